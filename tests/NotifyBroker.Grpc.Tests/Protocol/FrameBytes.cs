using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace NotifyBroker.Grpc.Tests.Protocol;

/// <summary>Builds raw Length-Prefixed-Message bytes by hand, independently of the code under test.</summary>
internal static class FrameBytes
{
    public static byte[] Frame(byte flag, ReadOnlySpan<byte> payload) => Frame(flag, (uint)payload.Length, payload);

    public static byte[] Frame(byte flag, uint declaredLength, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[5 + payload.Length];
        bytes[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), declaredLength);
        payload.CopyTo(bytes.AsSpan(5));
        return bytes;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(ReadOnlySpan<byte> data)
    {
        using var input = new MemoryStream(data.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A sequence with one segment per chunk, so parsers must cope with any split.</summary>
    public static ReadOnlySequence<byte> Segmented(params byte[][] chunks)
    {
        if (chunks.Length == 1)
        {
            return new ReadOnlySequence<byte>(chunks[0]);
        }

        var first = new Segment(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Length; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> into chunks of <paramref name="size"/> bytes.</summary>
    public static byte[][] Chunks(byte[] bytes, int size) =>
        bytes.Chunk(size).ToArray();

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
