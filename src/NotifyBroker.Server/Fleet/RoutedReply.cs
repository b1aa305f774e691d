using Grpc.Core;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Server.Fleet;

/// <summary>
/// The answer to a routed call, as it travels back: the contract reply's bytes, or the failure the target raised. A
/// core failure travels as its Win32 code, message, details and retry delay and is raised again at the entry broker,
/// so that the caller gets the very status and ErrorInfo it would have got from the target directly.
/// </summary>
internal static class RoutedReply
{
    private const byte Ok = 0;
    private const byte CoreFailure = 1;
    private const byte StatusFailure = 2;

    public static byte[] Success(byte[] reply) => Write(writer =>
    {
        writer.Write(Ok);
        writer.Write(reply.Length);
        writer.Write(reply);
    });

    public static byte[] Failure(BrokerException error) => Write(writer =>
    {
        writer.Write(CoreFailure);
        writer.Write(error.Code);
        writer.Write(error.Message);
        writer.Write(error.Details.Count);
        foreach (var (key, value) in error.Details)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(error.RetryAfter?.Ticks ?? -1L);
    });

    public static byte[] Failure(StatusCode code, string detail) => Write(writer =>
    {
        writer.Write(StatusFailure);
        writer.Write((int)code);
        writer.Write(detail);
    });

    /// <summary>The reply's bytes; throws the failure it carries.</summary>
    public static byte[] Open(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        switch (reader.ReadByte())
        {
            case Ok:
                return reader.ReadBytes(reader.ReadInt32());
            case CoreFailure:
                var code = reader.ReadInt32();
                var message = reader.ReadString();
                var details = new Dictionary<string, string>();
                for (var count = reader.ReadInt32(); count > 0; count--)
                {
                    details[reader.ReadString()] = reader.ReadString();
                }

                var retryAfter = reader.ReadInt64();
                throw new BrokerException(code, message) { Details = details, RetryAfter = retryAfter < 0 ? null : TimeSpan.FromTicks(retryAfter) };
            default:
                var status = (StatusCode)reader.ReadInt32();
                throw new RpcException(new Status(status, reader.ReadString()));
        }
    }

    private static byte[] Write(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
