using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// Reads Length-Prefixed-Messages from one stream (a request body, or a response body on the client). DATA frame
/// boundaries mean nothing here: bytes are reassembled in the <see cref="PipeReader"/> until a whole message is
/// buffered, and the message is handed out as a slice of the pipe's own buffers (no copy) unless it was compressed.
/// The 4-byte length is checked against the limit as soon as the prefix arrives, before any of the body is buffered.
/// Not thread-safe: one reader per stream, one read at a time.
/// </summary>
public sealed class GrpcMessageReader
{
    private readonly PipeReader _input;
    private readonly FrameFormat _format;

    // The message handed out by the last MoveNextAsync lives in the pipe's buffers until we AdvanceTo past it.
    private bool _holdsCurrent;
    private SequencePosition _currentEnd;
    private bool _streamCompletedAfterCurrent;
    private byte[]? _decompressionBuffer;

    /// <param name="input">The body to read.</param>
    /// <param name="maxMessageSize">The receive limit in bytes (compressed and decompressed); null for none.</param>
    /// <param name="messageEncoding">The stream's grpc-encoding header value, or null.</param>
    /// <param name="compressionProviders">The encodings this side can decompress.</param>
    public GrpcMessageReader(PipeReader input, int? maxMessageSize, string? messageEncoding, CompressionProviders? compressionProviders = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (maxMessageSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessageSize), "The limit cannot be negative.");
        }

        _input = input;
        _format = new FrameFormat(maxMessageSize, messageEncoding, compressionProviders);
    }

    /// <summary>
    /// The payload of the message read by the last successful <see cref="MoveNextAsync"/> (decompressed if it was
    /// compressed). Valid until the next call to <see cref="MoveNextAsync"/>, <see cref="ReleaseCurrent"/> or
    /// <see cref="EnsureEndOfStreamAsync"/>.
    /// </summary>
    public ReadOnlySequence<byte> Current { get; private set; }

    /// <summary>Whether the current message arrived with the Compressed-Flag set.</summary>
    public bool CurrentWasCompressed { get; private set; }

    /// <summary>
    /// Reads the next message. False at a clean end of stream (EOS on a message boundary). Throws
    /// <see cref="RpcException"/> with INTERNAL for a bad Compressed-Flag, a stream that ends inside a message, or
    /// undecodable compressed data; RESOURCE_EXHAUSTED for a message over the limit; UNIMPLEMENTED for an unsupported
    /// encoding. Completes synchronously when the message is already buffered.
    /// </summary>
    public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        ReleaseCurrent();
        while (true)
        {
            var pending = _input.ReadAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return MoveNextSlowAsync(pending, cancellationToken);
            }

            if (TryTakeMessage(pending.Result, out var hasMessage))
            {
                return new ValueTask<bool>(hasMessage);
            }
        }
    }

    /// <summary>
    /// Releases the current message and requires the stream to end here: INTERNAL "Additional data after the message
    /// received." if any byte follows. Used by calls that take exactly one message.
    /// </summary>
    public ValueTask EnsureEndOfStreamAsync(CancellationToken cancellationToken = default)
    {
        // Fast path: the read that produced the message already saw END_STREAM and nothing after the message.
        if (_holdsCurrent && _streamCompletedAfterCurrent)
        {
            ReleaseCurrent();
            return ValueTask.CompletedTask;
        }

        ReleaseCurrent();
        return EnsureEndOfStreamSlowAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the one message of a stream that must carry exactly one (the request of a unary or server-streaming
    /// call) and parses it straight from the pipe's buffers. No reader object is created: when the whole stream is
    /// already buffered, which is the usual case for a small request, this completes synchronously and allocates
    /// nothing but the message. Throws <see cref="RpcException"/>: UNIMPLEMENTED when the stream ends without a
    /// message (<see cref="GrpcProtocolStatus.MissingRequestMessage"/>), INTERNAL when more data follows it or it
    /// is not valid protobuf, and otherwise as <see cref="MoveNextAsync"/> does.
    /// </summary>
    /// <returns>The message, and whether it arrived with the Compressed-Flag set.</returns>
    public static ValueTask<(T Message, bool Compressed)> ReadSingleMessageAsync<T>(
        PipeReader input, MessageParser<T> parser, int? maxMessageSize, string? messageEncoding,
        CompressionProviders? compressionProviders = null, CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize ?? 0, nameof(maxMessageSize));
        var format = new FrameFormat(maxMessageSize, messageEncoding, compressionProviders);
        while (true)
        {
            var pending = input.ReadAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return ReadSingleMessageSlowAsync(input, pending, parser, format, cancellationToken);
            }

            if (TryTakeSingleMessage(input, pending.Result, parser, format, out var message, out var compressed))
            {
                return new ValueTask<(T, bool)>((message, compressed));
            }
        }
    }

    private static async ValueTask<(T Message, bool Compressed)> ReadSingleMessageSlowAsync<T>(
        PipeReader input, ValueTask<ReadResult> pending, MessageParser<T> parser, FrameFormat format, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        while (true)
        {
            var result = await pending.ConfigureAwait(false);
            if (TryTakeSingleMessage(input, result, parser, format, out var message, out var compressed))
            {
                return (message, compressed);
            }

            pending = input.ReadAsync(cancellationToken);
        }
    }

    /// <summary>
    /// True when the read settled the call's one message (then parsed and consumed). False when more bytes, or the
    /// end of the stream after the message, are still to come; the buffer is then marked examined.
    /// </summary>
    private static bool TryTakeSingleMessage<T>(PipeReader input, in ReadResult result, MessageParser<T> parser, FrameFormat format, out T message, out bool compressed)
        where T : IMessage<T>
    {
        ThrowIfCanceled(result);
        var buffer = result.Buffer;
        try
        {
            if (GrpcFrame.TryReadPrefix(buffer, out compressed, out var messageLength))
            {
                if (messageLength > format.MaxMessageSize)
                {
                    throw new RpcException(GrpcProtocolStatus.ReceivedMessageTooLarge);
                }

                // Settled once the stream has ended right after the message, or once anything follows it.
                var frameLength = GrpcProtocolConstants.MessagePrefixSize + (long)messageLength;
                if (buffer.Length > frameLength || (buffer.Length == frameLength && result.IsCompleted))
                {
                    var payload = buffer.Slice(GrpcProtocolConstants.MessagePrefixSize, messageLength);
                    byte[]? scratch = null;
                    message = Parse(parser, compressed ? Decompress(payload, format, ref scratch) : payload);
                    if (buffer.Length > frameLength)
                    {
                        throw new RpcException(GrpcProtocolStatus.AdditionalData);
                    }

                    input.AdvanceTo(buffer.End);
                    return true;
                }
            }

            if (result.IsCompleted)
            {
                throw new RpcException(buffer.Length == 0 ? GrpcProtocolStatus.MissingRequestMessage : GrpcProtocolStatus.IncompleteMessage);
            }
        }
        catch
        {
            input.AdvanceTo(buffer.Start, buffer.End);
            throw;
        }

        input.AdvanceTo(buffer.Start, buffer.End);
        message = default!;
        return false;
    }

    /// <summary>Parses a payload; malformed protobuf is INTERNAL (statuscodes.md: "Error parsing ... proto").</summary>
    private static T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(GrpcProtocolStatus.InvalidMessage);
        }
    }

    /// <summary>Tells the pipe the current message has been consumed, so its buffers can be reused.</summary>
    public void ReleaseCurrent()
    {
        if (_holdsCurrent)
        {
            _holdsCurrent = false;
            Current = default;
            _input.AdvanceTo(_currentEnd);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> MoveNextSlowAsync(ValueTask<ReadResult> pending, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await pending.ConfigureAwait(false);
            if (TryTakeMessage(result, out var hasMessage))
            {
                return hasMessage;
            }

            pending = _input.ReadAsync(cancellationToken);
        }
    }

    private async ValueTask EnsureEndOfStreamSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfCanceled(result);
            var length = result.Buffer.Length;
            _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (length > 0)
            {
                throw new RpcException(GrpcProtocolStatus.AdditionalData);
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// True when the read settled the question: a message is now current (<paramref name="hasMessage"/> true) or the
    /// stream ended cleanly (false). False when more bytes are needed; the buffer is then marked examined so the
    /// next read waits for new data.
    /// </summary>
    private bool TryTakeMessage(in ReadResult result, out bool hasMessage)
    {
        ThrowIfCanceled(result);
        var buffer = result.Buffer;
        try
        {
            if (GrpcFrame.TryReadPrefix(buffer, out var compressed, out var messageLength))
            {
                if (messageLength > _format.MaxMessageSize)
                {
                    throw new RpcException(GrpcProtocolStatus.ReceivedMessageTooLarge);
                }

                var frameLength = GrpcProtocolConstants.MessagePrefixSize + (long)messageLength;
                if (buffer.Length >= frameLength)
                {
                    var payload = buffer.Slice(GrpcProtocolConstants.MessagePrefixSize, messageLength);
                    Current = compressed ? Decompress(payload, _format, ref _decompressionBuffer) : payload;
                    CurrentWasCompressed = compressed;
                    _currentEnd = payload.End;
                    _streamCompletedAfterCurrent = result.IsCompleted && buffer.Length == frameLength;
                    _holdsCurrent = true;
                    hasMessage = true;
                    return true;
                }
            }

            if (result.IsCompleted)
            {
                if (buffer.Length == 0)
                {
                    _input.AdvanceTo(buffer.End);
                    hasMessage = false;
                    return true;
                }

                throw new RpcException(GrpcProtocolStatus.IncompleteMessage);
            }
        }
        catch
        {
            // Leave the pipe consistent (every ReadAsync must be matched by AdvanceTo) before the error travels up.
            _input.AdvanceTo(buffer.Start, buffer.End);
            throw;
        }

        _input.AdvanceTo(buffer.Start, buffer.End);
        hasMessage = false;
        return false;
    }

    private static void ThrowIfCanceled(in ReadResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The read of the message stream was canceled.");
        }
    }

    /// <summary>
    /// Decompresses a message into <paramref name="scratch"/> (grown as needed and handed back for the next message
    /// of the stream) and returns the decompressed bytes.
    /// </summary>
    private static ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> payload, FrameFormat format, ref byte[]? scratch)
    {
        var encoding = format.MessageEncoding;
        if (encoding is null || string.Equals(encoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(GrpcProtocolStatus.CompressedWithoutEncoding);
        }

        var provider = format.CompressionProviders.Find(encoding)
            ?? throw new RpcException(GrpcProtocolStatus.UnsupportedEncoding(encoding, format.CompressionProviders.AcceptEncoding));

        // A fresh decompression context per message. The decompressed size is bounded too: a few kilobytes of gzip
        // can expand to gigabytes.
        var limit = format.MaxMessageSize;
        var buffer = scratch ?? new byte[(int)Math.Min(Math.Max(4096, payload.Length * 4), Math.Min(limit + 1, 1 << 20))];
        var length = 0;
        try
        {
            using var source = new ReadOnlySequenceStream(payload);
            using var decompressor = provider.CreateDecompressionStream(source);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw new RpcException(GrpcProtocolStatus.ReceivedMessageTooLarge);
                    }

                    var grown = new byte[(int)Math.Min((long)buffer.Length * 2, Math.Min(limit + 1, Array.MaxLength))];
                    if (grown.Length == buffer.Length)
                    {
                        throw new RpcException(GrpcProtocolStatus.ReceivedMessageTooLarge);
                    }

                    buffer.AsSpan(0, length).CopyTo(grown);
                    buffer = grown;
                }

                var read = decompressor.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (InvalidDataException)
        {
            throw new RpcException(GrpcProtocolStatus.DecompressionFailed);
        }

        if (length > limit)
        {
            throw new RpcException(GrpcProtocolStatus.ReceivedMessageTooLarge);
        }

        scratch = buffer;
        return new ReadOnlySequence<byte>(buffer, 0, length);
    }

    /// <summary>What a stream's messages may be: the receive limit and how compressed ones are decoded.</summary>
    private readonly struct FrameFormat(int? maxMessageSize, string? messageEncoding, CompressionProviders? compressionProviders)
    {
        /// <summary>The limit in bytes (compressed and decompressed); a 4-byte length can't exceed uint.MaxValue.</summary>
        public long MaxMessageSize { get; } = maxMessageSize ?? (long)uint.MaxValue;

        public string? MessageEncoding { get; } = messageEncoding;

        public CompressionProviders CompressionProviders { get; } = compressionProviders ?? CompressionProviders.Default;
    }
}
