using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// Writes Length-Prefixed-Messages into an <see cref="IBufferWriter{T}"/> (normally a response or request
/// <c>PipeWriter</c>). Uncompressed messages are serialized straight into the writer after their 5-byte prefix, since
/// protobuf knows the size up front; compressed ones go through a scratch buffer that is reused for the whole stream.
/// One instance per stream; not thread-safe.
/// </summary>
public sealed class GrpcMessageWriter
{
    // Below this, prefix and message share one span: the PipeWriter's segments are 4 KiB.
    private const int SingleSpanLimit = 4096;

    private readonly int? _maxSendMessageSize;
    private ArrayBufferWriter<byte>? _compressed;

    /// <param name="maxSendMessageSize">The send limit in bytes (after compression), or null for none.</param>
    /// <param name="compression">The stream's grpc-encoding, or null to send everything uncompressed.</param>
    /// <param name="compressionLevel">How hard to compress.</param>
    public GrpcMessageWriter(int? maxSendMessageSize = null, ICompressionProvider? compression = null, CompressionLevel compressionLevel = CompressionLevel.Fastest)
    {
        _maxSendMessageSize = maxSendMessageSize;
        Compression = compression;
        CompressionLevel = compressionLevel;
    }

    /// <summary>The encoding messages are compressed with when they ask for it; null for none.</summary>
    public ICompressionProvider? Compression { get; set; }

    public CompressionLevel CompressionLevel { get; set; }

    /// <summary>
    /// Writes <paramref name="message"/> with its prefix. It is compressed when <paramref name="compress"/> is true
    /// and <see cref="Compression"/> is set. Throws <see cref="RpcException"/> (RESOURCE_EXHAUSTED) over the send limit.
    /// </summary>
    public void Write(IBufferWriter<byte> output, IMessage message, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        if (compress && Compression is not null)
        {
            var size = message.CalculateSize();
            var serialized = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                message.WriteTo(serialized.AsSpan(0, size));
                WriteCompressed(output, serialized.AsSpan(0, size), Compression);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(serialized);
            }

            return;
        }

        WriteUncompressed(output, message, _maxSendMessageSize);
    }

    /// <summary>
    /// Writes an already-serialized message with its prefix, compressing it under the same rule as
    /// <see cref="Write(IBufferWriter{byte}, IMessage, bool)"/>.
    /// </summary>
    public void WriteSerialized(IBufferWriter<byte> output, ReadOnlySpan<byte> message, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (compress && Compression is not null)
        {
            WriteCompressed(output, message, Compression);
            return;
        }

        WriteSerializedUncompressed(output, message, _maxSendMessageSize);
    }

    /// <summary>
    /// Writes an already-serialized message uncompressed, with its prefix: the fan-out hot path, needing no
    /// writer instance. Throws <see cref="RpcException"/> (RESOURCE_EXHAUSTED) over the send limit.
    /// </summary>
    public static void WriteSerializedUncompressed(IBufferWriter<byte> output, ReadOnlySpan<byte> message, int? maxSendMessageSize = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckSendLimit(message.Length, maxSendMessageSize);
        var frameLength = GrpcProtocolConstants.MessagePrefixSize + message.Length;
        if (frameLength <= SingleSpanLimit)
        {
            var span = output.GetSpan(frameLength);
            GrpcFrame.WritePrefix(span, compressed: false, message.Length);
            message.CopyTo(span[GrpcProtocolConstants.MessagePrefixSize..]);
            output.Advance(frameLength);
            return;
        }

        WritePrefix(output, compressed: false, message.Length);
        output.Write(message);
    }

    /// <summary>The hot path: prefix and message serialized in place, no scratch buffer, no allocation.</summary>
    public static void WriteUncompressed(IBufferWriter<byte> output, IMessage message, int? maxSendMessageSize = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        CheckSendLimit(size, maxSendMessageSize);
        var frameLength = GrpcProtocolConstants.MessagePrefixSize + size;
        if (frameLength <= SingleSpanLimit)
        {
            var span = output.GetSpan(frameLength);
            GrpcFrame.WritePrefix(span, compressed: false, size);
            message.WriteTo(span.Slice(GrpcProtocolConstants.MessagePrefixSize, size));
            output.Advance(frameLength);
            return;
        }

        WritePrefix(output, compressed: false, size);
        message.WriteTo(output);
    }

    private void WriteCompressed(IBufferWriter<byte> output, ReadOnlySpan<byte> message, ICompressionProvider compression)
    {
        var compressed = _compressed ??= new ArrayBufferWriter<byte>();
        compressed.ResetWrittenCount();
        using (var sink = new BufferWriterStream(compressed))
        using (var compressor = compression.CreateCompressionStream(sink, CompressionLevel))
        {
            // Disposing the compressor writes the final block: a fresh context per message.
            compressor.Write(message);
        }

        CheckSendLimit(compressed.WrittenCount, _maxSendMessageSize);
        WritePrefix(output, compressed: true, compressed.WrittenCount);
        output.Write(compressed.WrittenSpan);

        // Don't let one huge message pin a huge scratch buffer for the rest of a long stream.
        if (compressed.Capacity > 1 << 20)
        {
            _compressed = null;
        }
    }

    private static void WritePrefix(IBufferWriter<byte> output, bool compressed, int length)
    {
        GrpcFrame.WritePrefix(output.GetSpan(GrpcProtocolConstants.MessagePrefixSize), compressed, length);
        output.Advance(GrpcProtocolConstants.MessagePrefixSize);
    }

    private static void CheckSendLimit(int length, int? maxSendMessageSize)
    {
        if (length > maxSendMessageSize)
        {
            throw new RpcException(GrpcProtocolStatus.SentMessageTooLarge);
        }
    }
}
