using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class GrpcMessageWriterTests
{
    [Fact]
    public void Writes_the_prefix_and_the_serialized_message()
    {
        var message = new StringValue { Value = "hello" };
        var output = new ArrayBufferWriter<byte>();

        GrpcMessageWriter.WriteUncompressed(output, message);

        Assert.Equal(FrameBytes.Frame(0, message.ToByteArray()), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writes_an_empty_message_as_five_zero_bytes()
    {
        var output = new ArrayBufferWriter<byte>();

        new GrpcMessageWriter().Write(output, new Empty());

        Assert.Equal(new byte[5], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writes_a_message_larger_than_one_pipe_segment()
    {
        var message = new BytesValue { Value = ByteString.CopyFrom(Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray()) };
        var pipe = new Pipe();

        GrpcMessageWriter.WriteUncompressed(pipe.Writer, message);
        pipe.Writer.Complete();

        Assert.True(pipe.Reader.TryRead(out var result));
        Assert.Equal(FrameBytes.Frame(0, message.ToByteArray()), result.Buffer.ToArray());
    }

    [Fact]
    public void Compresses_with_gzip_and_sets_the_flag()
    {
        var message = new StringValue { Value = new string('z', 5000) };
        var output = new ArrayBufferWriter<byte>();

        new GrpcMessageWriter(compression: GzipCompressionProvider.Instance).Write(output, message);

        var written = output.WrittenSpan.ToArray();
        Assert.Equal(1, written[0]);
        Assert.Equal(written.Length - 5, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(written.AsSpan(1)));
        Assert.Equal(message.ToByteArray(), FrameBytes.Gunzip(written.AsSpan(5)));
    }

    [Fact]
    public void Each_compressed_message_is_a_complete_gzip_stream_of_its_own()
    {
        var writer = new GrpcMessageWriter(compression: GzipCompressionProvider.Instance);
        var output = new ArrayBufferWriter<byte>();
        writer.Write(output, new StringValue { Value = "first" });
        var firstLength = output.WrittenCount;
        writer.Write(output, new StringValue { Value = "second" });

        var second = output.WrittenSpan[firstLength..].ToArray();
        Assert.Equal(new StringValue { Value = "second" }.ToByteArray(), FrameBytes.Gunzip(second.AsSpan(5)));
    }

    [Fact]
    public void Does_not_compress_when_the_message_asks_not_to()
    {
        var message = new StringValue { Value = "keep me plain" };
        var output = new ArrayBufferWriter<byte>();

        new GrpcMessageWriter(compression: GzipCompressionProvider.Instance).Write(output, message, compress: false);

        Assert.Equal(FrameBytes.Frame(0, message.ToByteArray()), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writes_pre_serialized_bytes_with_and_without_compression()
    {
        var bytes = new StringValue { Value = "pre-serialized" }.ToByteArray();
        var plain = new ArrayBufferWriter<byte>();
        var compressed = new ArrayBufferWriter<byte>();

        new GrpcMessageWriter().WriteSerialized(plain, bytes);
        new GrpcMessageWriter(compression: DeflateCompressionProvider.Instance).WriteSerialized(compressed, bytes);

        Assert.Equal(FrameBytes.Frame(0, bytes), plain.WrittenSpan.ToArray());
        Assert.Equal(1, compressed.WrittenSpan[0]);
    }

    [Fact]
    public async Task What_the_writer_compresses_the_reader_restores()
    {
        var messages = new[] { "a", new string('b', 70_000), string.Empty };
        var pipe = new Pipe();
        var writer = new GrpcMessageWriter(compression: DeflateCompressionProvider.Instance);
        foreach (var text in messages)
        {
            writer.Write(pipe.Writer, new StringValue { Value = text });
        }

        await pipe.Writer.CompleteAsync();
        var reader = new GrpcMessageReader(pipe.Reader, null, "deflate");
        foreach (var text in messages)
        {
            Assert.True(await reader.MoveNextAsync());
            Assert.Equal(text, StringValue.Parser.ParseFrom(reader.Current).Value);
        }

        Assert.False(await reader.MoveNextAsync());
    }

    [Fact]
    public void Refuses_a_message_over_the_send_limit()
    {
        var error = Assert.Throws<RpcException>(() =>
            new GrpcMessageWriter(maxSendMessageSize: 10).Write(new ArrayBufferWriter<byte>(), new StringValue { Value = new string('x', 20) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }
}
