using System.Buffers.Binary;
using System.IO.Compression;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>Builds raw gRPC Length-Prefixed-Message bytes by hand, independently of the code under test.</summary>
internal static class FrameBytes
{
    /// <summary>The 5-byte prefix (compressed flag, big-endian length) and the payload.</summary>
    public static byte[] Frame(byte flag, ReadOnlySpan<byte> payload) => Frame(flag, (uint)payload.Length, payload);

    /// <summary>A prefix announcing <paramref name="declaredLength"/> bytes, whatever <paramref name="payload"/> holds.</summary>
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
}
