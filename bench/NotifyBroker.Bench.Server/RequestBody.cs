using System.IO.Pipelines;

namespace NotifyBroker.Bench.Server;

internal static class RequestBody
{
    /// <summary>Reads the request body to its end and drops it: the ceilings still pay for receiving it.</summary>
    public static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
