using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// The request body of a unary or server-streaming call: one Length-Prefixed-Message. The handler sends END_STREAM
/// as soon as it has been written.
/// </summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly IMessage _message;
    private readonly int _messageSize;
    private readonly ICompressionProvider? _compression;
    private readonly int? _maxSendMessageSize;

    /// <param name="message">The request.</param>
    /// <param name="messageSize">Its serialized size, already computed for the send limit.</param>
    /// <param name="compression">The encoding to compress it with, or null to send it uncompressed.</param>
    /// <param name="maxSendMessageSize">The send limit, checked again after compression.</param>
    public UnaryRequestContent(IMessage message, int messageSize, ICompressionProvider? compression, int? maxSendMessageSize)
    {
        _message = message;
        _messageSize = messageSize;
        _compression = compression;
        _maxSendMessageSize = maxSendMessageSize;
        Headers.ContentType = GrpcChannel.GrpcContentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_compression is not null)
        {
            var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            new GrpcMessageWriter(_maxSendMessageSize, _compression).Write(output, _message);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        // The size is known: prefix and message go into one pooled buffer and one write.
        var frameLength = GrpcProtocolConstants.MessagePrefixSize + _messageSize;
        var frame = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            GrpcFrame.WritePrefix(frame, compressed: false, _messageSize);
            _message.WriteTo(frame.AsSpan(GrpcProtocolConstants.MessagePrefixSize, _messageSize));
            await stream.WriteAsync(frame.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // Unknown when compressed; when not, leaving it out costs nothing and keeps one code path.
        length = -1;
        return false;
    }
}
