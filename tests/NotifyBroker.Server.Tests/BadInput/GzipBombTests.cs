using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>Measures the process's allocations, so nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasuringCollection
{
    public const string Name = "Allocation measuring (not parallel)";
}

/// <summary>
/// gzip requests (grpc-encoding: gzip) against the receive limit. The limit must hold for what a message inflates
/// to, not only for the compressed bytes its prefix announces: a 64 KB request can inflate to 64 MiB.
/// </summary>
[Collection(AllocationMeasuringCollection.Name)]
public sealed class GzipBombTests
{
    private const int Inflated = 64 * 1024 * 1024;

    [Fact]
    public async Task A_gzip_request_within_the_limit_is_decompressed_and_served()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var client = RawGrpc.CreateClient(host.Address);
        using var holder = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { "zipped" } });
        await holder.OpenAsync();
        var request = RawGrpc.Request(RawGrpc.Send, FrameBytes.Frame(1, FrameBytes.Gzip(new SendRequest { MsgName = "zipped", Text = new string('z', 1000) }.ToByteArray())));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await RawGrpc.CallAsync(client, request);

        Assert.True(result.StatusCode == StatusCode.OK, result.ToString());
        Assert.Equal(new string('z', 1000), (await holder.NextMessageAsync()).AliasMessage.Text);
        await BrokerAssert.ServesAsync(host);
    }

    [Theory]
    [InlineData(RawGrpc.Send)]
    [InlineData(RawGrpc.Subscribe)]
    public async Task A_gzip_bomb_inflating_past_the_receive_limit_is_RESOURCE_EXHAUSTED_without_being_inflated_whole(string path)
    {
        await using var host = await BrokerTestHost.StartAsync(); // the default limit, 4 MiB
        using var client = RawGrpc.CreateClient(host.Address);
        await host.Client.AddAliasAsync("bomb");

        // Field 4 is a string in both: SendRequest.text after msg_name "bomb", SubscribeRequest.aliases alone.
        var bomb = GzipBomb(path == RawGrpc.Send ? new SendRequest { MsgName = "bomb" }.ToByteArray() : [], Inflated);
        Assert.True(bomb.Length < 256 * 1024, $"the bomb is {bomb.Length} bytes compressed");
        await BrokerAssert.ServesAsync(host); // everything warmed up: connections, code paths

        var request = RawGrpc.Request(path, FrameBytes.Frame(1, bomb));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await RawGrpc.CallAsync(client, request);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // Grpc.AspNetCore 2.85 inflates into a buffer bounded by the limit and gives the same status as for an oversized
        // prefix (about 8.5 MB allocated in all here: the buffer's growth to 4 MiB and the rest of the call).
        Assert.True(result.StatusCode == StatusCode.ResourceExhausted, result.ToString());
        Assert.Equal("Received message exceeds the maximum configured message size.", result.Message);
        Assert.True(allocated < 32 * 1024 * 1024, $"{allocated:N0} bytes allocated while the server handled a bomb of {Inflated:N0} inflated bytes");
        await BrokerAssert.ServesAsync(host);
    }

    /// <summary>
    /// The gzip of a valid message of <paramref name="size"/> bytes in all: <paramref name="head"/>, then field 4 (a
    /// string) holding a run of NULs, which is valid UTF-8. Written in chunks, so the test itself never holds it inflated.
    /// </summary>
    private static byte[] GzipBomb(byte[] head, int size)
    {
        var textLength = size - head.Length - 1 - 4; // tag, then a 4-byte varint
        var header = new List<byte>(head) { 0x22 };
        var length = (uint)textLength;
        for (var i = 0; i < 3; i++)
        {
            header.Add((byte)((length & 0x7F) | 0x80));
            length >>= 7;
        }

        header.Add((byte)length);
        Assert.True(length < 0x80);

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(header.ToArray());
            var zeros = new byte[1024 * 1024];
            for (var left = textLength; left > 0; left -= zeros.Length)
            {
                gzip.Write(zeros, 0, Math.Min(left, zeros.Length));
            }
        }

        var bomb = output.ToArray();
        Assert.Equal((uint)size, BinaryPrimitives.ReadUInt32LittleEndian(bomb.AsSpan(bomb.Length - 4))); // gzip's ISIZE
        return bomb;
    }
}
