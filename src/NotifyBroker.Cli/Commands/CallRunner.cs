using System.CommandLine;
using NotifyBroker.Cli.Output;
using NotifyBroker.Client;
using Grpc.Core;

namespace NotifyBroker.Cli.Commands;

/// <summary>
/// Runs a command's calls with one client and turns how they end into an exit code: a broker error becomes its
/// one-line report (2, or 4 when the broker is unreachable), Ctrl+C during a call becomes 130.
/// </summary>
internal static class CallRunner
{
    public static async Task<int> RunAsync(
        ParseResult parseResult, GlobalOptions globals, CliOutput output, CancellationToken cancellationToken,
        Func<NotifierClient, CancellationToken, Task<int>> calls)
    {
        using var client = globals.CreateClient(parseResult);
        try
        {
            return await calls(client, cancellationToken).ConfigureAwait(false);
        }
        catch (NotifyException failure)
        {
            return FailureReport.Write(failure, globals.AddressOf(parseResult), output.Error);
        }
        catch (Exception interrupted) when (cancellationToken.IsCancellationRequested && interrupted is OperationCanceledException or RpcException)
        {
            await output.Error.WriteLineAsync("notify: interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }
}
