using System.Buffers;
using System.Buffers.Binary;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// The Length-Prefixed-Message header: Compressed-Flag (0 or 1) then a 4-byte big-endian Message-Length.
/// The one place that knows the layout of those 5 bytes.
/// </summary>
public static class GrpcFrame
{
    /// <summary>Writes the 5-byte prefix into <paramref name="destination"/>.</summary>
    public static void WritePrefix(Span<byte> destination, bool compressed, int messageLength)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1, 4), (uint)messageLength);
    }

    /// <summary>
    /// Reads the prefix at the start of <paramref name="buffer"/>. False when fewer than 5 bytes are there.
    /// Throws <see cref="RpcException"/> (INTERNAL) when the Compressed-Flag is neither 0 nor 1.
    /// </summary>
    public static bool TryReadPrefix(in ReadOnlySequence<byte> buffer, out bool compressed, out uint messageLength)
    {
        if (buffer.Length < GrpcProtocolConstants.MessagePrefixSize)
        {
            compressed = false;
            messageLength = 0;
            return false;
        }

        var first = buffer.FirstSpan;
        if (first.Length >= GrpcProtocolConstants.MessagePrefixSize)
        {
            return ParsePrefix(first, out compressed, out messageLength);
        }

        // The 5 bytes straddle DATA frames (segments): gather them on the stack.
        Span<byte> prefix = stackalloc byte[GrpcProtocolConstants.MessagePrefixSize];
        buffer.Slice(0, GrpcProtocolConstants.MessagePrefixSize).CopyTo(prefix);
        return ParsePrefix(prefix, out compressed, out messageLength);
    }

    private static bool ParsePrefix(ReadOnlySpan<byte> prefix, out bool compressed, out uint messageLength)
    {
        compressed = prefix[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(GrpcProtocolStatus.InvalidCompressedFlag),
        };
        messageLength = BinaryPrimitives.ReadUInt32BigEndian(prefix.Slice(1, 4));
        return true;
    }
}
