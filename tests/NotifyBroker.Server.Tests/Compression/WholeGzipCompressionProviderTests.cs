using System.IO.Compression;
using NotifyBroker.Server.Compression;

namespace NotifyBroker.Server.Tests.Compression;

/// <summary>gzip messages other stacks can read: an empty message is a whole (20-byte) gzip member, never 0 bytes.</summary>
public sealed class WholeGzipCompressionProviderTests
{
    private static readonly WholeGzipCompressionProvider Provider = new(CompressionLevel.Fastest);

    [Fact]
    public async Task An_empty_message_compresses_to_a_whole_gzip_member()
    {
        using var output = new MemoryStream();
        await using (Provider.CreateCompressionStream(output, compressionLevel: null))
        {
            // Grpc.AspNetCore writes nothing for an empty message.
        }

        Assert.Equal(20, output.Length);
        Assert.Empty(Decompress(output.ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Other_messages_round_trip_as_plain_gzip(int length)
    {
        var message = Enumerable.Range(0, length).Select(static i => (byte)(i * 7)).ToArray();
        using var output = new MemoryStream();
        using (var compressing = Provider.CreateCompressionStream(output, CompressionLevel.Optimal))
        {
            compressing.Write(message);
        }

        Assert.Equal(message, Decompress(output.ToArray()));
    }

    /// <summary>Decompressed by .NET's own GZipStream, as any reader of gzip would.</summary>
    private static byte[] Decompress(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var result = new MemoryStream();
        input.CopyTo(result);
        return result.ToArray();
    }
}
