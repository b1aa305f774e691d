using System.Buffers;
using System.IO.Pipelines;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class GrpcMessageReaderTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_a_zero_length_message_then_a_clean_end()
    {
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(0, []))), null, null);

        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(0, reader.Current.Length);
        Assert.False(reader.CurrentWasCompressed);
        Assert.False(await reader.MoveNextAsync());
        Assert.False(await reader.MoveNextAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Reassembles_messages_split_at_any_byte(int chunkSize)
    {
        var first = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        var second = "hello"u8.ToArray();
        var bytes = FrameBytes.Frame(0, first).Concat(FrameBytes.Frame(0, second)).ToArray();
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Chunks(bytes, chunkSize))), null, null);

        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(first, reader.Current.ToArray());
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(second, reader.Current.ToArray());
        Assert.False(await reader.MoveNextAsync());
    }

    [Fact]
    public async Task Waits_for_the_rest_of_a_message_that_arrives_in_pieces()
    {
        var pipe = new Pipe();
        var reader = new GrpcMessageReader(pipe.Reader, null, null);
        var frame = FrameBytes.Frame(0, "abcdef"u8);

        var pending = reader.MoveNextAsync().AsTask();
        await pipe.Writer.WriteAsync(frame.AsMemory(0, 3));
        await pipe.Writer.WriteAsync(frame.AsMemory(3, 5));
        Assert.False(pending.IsCompleted);

        await pipe.Writer.WriteAsync(frame.AsMemory(8));
        Assert.True(await pending.WaitAsync(Guard));
        Assert.Equal("abcdef"u8.ToArray(), reader.Current.ToArray());

        await pipe.Writer.CompleteAsync();
        Assert.False(await reader.MoveNextAsync().AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task Rejects_an_oversized_message_from_its_prefix_alone()
    {
        var pipe = new Pipe();
        var reader = new GrpcMessageReader(pipe.Reader, maxMessageSize: 4 * 1024 * 1024, null);

        // Only the 5-byte prefix announcing 100 MB: the verdict must not wait for the body.
        await pipe.Writer.WriteAsync(FrameBytes.Frame(0, 100 * 1024 * 1024, []));

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Accepts_a_message_exactly_at_the_limit()
    {
        var payload = new byte[100];
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(0, payload))), maxMessageSize: 100, null);

        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(100, reader.Current.Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public async Task Rejects_a_compressed_flag_other_than_0_or_1(byte flag)
    {
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(flag, "x"u8))), null, "gzip");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public async Task A_stream_ending_inside_a_message_is_internal(int bytesSent)
    {
        var frame = FrameBytes.Frame(0, "0123456789"u8);
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(frame[..bytesSent])), null, null);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Decompresses_a_gzip_message_and_reports_the_flag()
    {
        var original = Enumerable.Repeat((byte)'a', 10_000).ToArray();
        var bytes = FrameBytes.Frame(1, FrameBytes.Gzip(original)).Concat(FrameBytes.Frame(0, "plain"u8)).ToArray();
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Chunks(bytes, 13))), null, "gzip");

        Assert.True(await reader.MoveNextAsync());
        Assert.True(reader.CurrentWasCompressed);
        Assert.Equal(original, reader.Current.ToArray());

        // grpc-encoding announces gzip, but each message decides for itself through its flag.
        Assert.True(await reader.MoveNextAsync());
        Assert.False(reader.CurrentWasCompressed);
        Assert.Equal("plain"u8.ToArray(), reader.Current.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task A_compressed_message_without_an_encoding_is_internal(string? encoding)
    {
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(1, FrameBytes.Gzip("x"u8)))), null, encoding);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_message_in_an_unsupported_encoding_is_unimplemented_and_names_the_supported_ones()
    {
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(1, "xx"u8))), null, "snappy");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("snappy", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("gzip", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_decompressed_size_is_limited_too()
    {
        // 8 MB of zeros gzips to a few kilobytes: the compressed prefix passes the 1 MB limit, the content must not.
        var bomb = FrameBytes.Gzip(new byte[8 * 1024 * 1024]);
        Assert.True(bomb.Length < 1024 * 1024);
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(1, bomb))), maxMessageSize: 1024 * 1024, "gzip");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Corrupt_gzip_is_internal()
    {
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(FrameBytes.Frame(1, "definitely not gzip"u8))), null, "gzip");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync().AsTask());
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Ensure_end_of_stream_rejects_a_second_message()
    {
        var bytes = FrameBytes.Frame(0, "one"u8).Concat(FrameBytes.Frame(0, "two"u8)).ToArray();
        var reader = new GrpcMessageReader(PipeReader.Create(FrameBytes.Segmented(bytes)), null, null);

        Assert.True(await reader.MoveNextAsync());
        var error = await Assert.ThrowsAsync<RpcException>(() => reader.EnsureEndOfStreamAsync().AsTask());
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Ensure_end_of_stream_waits_for_the_end_and_accepts_it()
    {
        var pipe = new Pipe();
        var reader = new GrpcMessageReader(pipe.Reader, null, null);
        await pipe.Writer.WriteAsync(FrameBytes.Frame(0, "one"u8));
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Guard));

        var ending = reader.EnsureEndOfStreamAsync().AsTask();
        Assert.False(ending.IsCompleted);
        await pipe.Writer.CompleteAsync();
        await ending.WaitAsync(Guard);
    }
}
