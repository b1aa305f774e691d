using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// The messages both sides of every bench exchange, built once. The bare-Kestrel endpoints write exactly the bytes
/// Grpc.AspNetCore writes for the same messages, so the two differ only by the gRPC stack.
/// </summary>
internal static class BenchMessages
{
    /// <summary>Bytes in the 5-byte gRPC message prefix (Compressed-Flag + 4-byte big-endian length).</summary>
    public const int PrefixLength = 5;

    /// <summary>The value bench/run.sh puts in the Echo request (framed StringValue "hello").</summary>
    public const string EchoText = "hello";

    /// <summary>The 18-byte streamed message: a BytesValue holding 16 bytes (tag + length + 16).</summary>
    public static readonly BytesValue StreamMessage = new() { Value = ByteString.CopyFrom(new byte[16]) };

    public static readonly byte[] FramedEchoReply = Frame(new StringValue { Value = EchoText });

    public static readonly byte[] FramedStreamMessage = Frame(StreamMessage);

    private static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var framed = new byte[PrefixLength + size];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)size);
        message.WriteTo(framed.AsSpan(PrefixLength));
        return framed;
    }
}
