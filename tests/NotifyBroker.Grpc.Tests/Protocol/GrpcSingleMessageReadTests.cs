using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Tests.Protocol;

/// <summary><see cref="GrpcMessageReader.ReadSingleMessageAsync"/>: the request of a unary or server-streaming call.</summary>
public sealed class GrpcSingleMessageReadTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(1000)]
    public async Task Reads_the_message_split_at_any_byte_and_completes_synchronously_when_all_is_buffered(int chunkSize)
    {
        var bytes = FrameBytes.Frame(0, new StringValue { Value = "hello" }.ToByteArray());
        var input = PipeReader.Create(FrameBytes.Segmented(FrameBytes.Chunks(bytes, chunkSize)));

        var pending = GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, null);

        Assert.True(pending.IsCompletedSuccessfully);
        var (message, compressed) = await pending;
        Assert.Equal("hello", message.Value);
        Assert.False(compressed);
    }

    [Fact]
    public async Task Answers_only_once_the_stream_has_ended_after_the_message()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(FrameBytes.Frame(0, new StringValue { Value = "one" }.ToByteArray()));

        var pending = GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, null, null).AsTask();
        Assert.False(pending.IsCompleted);

        await pipe.Writer.CompleteAsync();
        Assert.Equal("one", (await pending.WaitAsync(Guard)).Message.Value);
    }

    [Fact]
    public async Task A_zero_length_message_is_the_default_message()
    {
        var input = PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(0, [])));

        var (message, _) = await GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, null);

        Assert.Equal(string.Empty, message.Value);
    }

    [Fact]
    public async Task A_stream_without_a_message_is_a_cardinality_violation()
    {
        var input = PipeReader.Create(System.Buffers.ReadOnlySequence<byte>.Empty);

        var error = await Assert.ThrowsAsync<RpcException>(() => GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, null).AsTask());

        Assert.Equal(GrpcProtocolStatus.MissingRequestMessage, error.Status);
    }

    [Fact]
    public async Task Data_after_the_message_is_internal_without_waiting_for_the_end_of_the_stream()
    {
        var pipe = new Pipe();
        var bytes = FrameBytes.Frame(0, new StringValue { Value = "one" }.ToByteArray()).Concat(new byte[] { 0, 0 }).ToArray();
        await pipe.Writer.WriteAsync(bytes);

        var error = await Assert.ThrowsAsync<RpcException>(() => GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, null, null).AsTask().WaitAsync(Guard));

        Assert.Equal(GrpcProtocolStatus.AdditionalData, error.Status);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public async Task A_stream_ending_inside_the_message_is_internal(int bytesSent)
    {
        var frame = FrameBytes.Frame(0, new StringValue { Value = "truncated" }.ToByteArray());
        var input = PipeReader.Create(FrameBytes.Segmented(frame[..bytesSent]));

        var error = await Assert.ThrowsAsync<RpcException>(() => GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, null).AsTask());

        Assert.Equal(GrpcProtocolStatus.IncompleteMessage, error.Status);
    }

    [Fact]
    public async Task Bytes_that_are_not_the_message_type_are_internal()
    {
        // Field 1 announced as length-delimited with 100 bytes, but only 1 follows.
        var input = PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(0, [0x0A, 100, 1])));

        var error = await Assert.ThrowsAsync<RpcException>(() => GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, null).AsTask());

        Assert.Equal(GrpcProtocolStatus.InvalidMessage, error.Status);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_from_its_prefix_alone()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(FrameBytes.Frame(0, 10_000, []));

        var error = await Assert.ThrowsAsync<RpcException>(() => GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, 1000, null).AsTask().WaitAsync(Guard));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Decompresses_a_compressed_message_and_reports_it()
    {
        var original = new StringValue { Value = new string('z', 5000) };
        var input = PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(1, FrameBytes.Gzip(original.ToByteArray()))));

        var (message, compressed) = await GrpcMessageReader.ReadSingleMessageAsync(input, StringValue.Parser, null, "gzip");

        Assert.Equal(original, message);
        Assert.True(compressed);
    }

    [Fact]
    public async Task A_canceled_read_throws_operation_canceled()
    {
        var pipe = new Pipe();
        using var cancel = new CancellationTokenSource();
        var pending = GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, null, null, null, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Guard));
    }
}
