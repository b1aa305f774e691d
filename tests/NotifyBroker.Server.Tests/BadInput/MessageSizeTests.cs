using Google.Protobuf;
using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// The receive limit (Grpc:MaxReceiveMessageSize, 4 MiB by default) applies to the length a message's prefix
/// announces: an oversized message is refused as soon as its 5 bytes arrive, before a byte of its body is read.
/// </summary>
public sealed class MessageSizeTests
{
    private const string Exceeds = "Received message exceeds the maximum configured message size.";

    [Theory]
    [InlineData(RawGrpc.Send, (4 * 1024 * 1024) + 1)]
    [InlineData(RawGrpc.Send, 100 * 1024 * 1024)]
    [InlineData(RawGrpc.Subscribe, (4 * 1024 * 1024) + 1)]
    [InlineData(RawGrpc.Subscribe, 100 * 1024 * 1024)]
    public async Task An_oversized_message_is_RESOURCE_EXHAUSTED_from_its_prefix_before_the_body_is_sent(string path, uint declaredLength)
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var client = RawGrpc.CreateClient(host.Address);
        var content = new PushContent();
        var call = RawGrpc.CallAsync(client, RawGrpc.Request(path, content));

        // Only the 5-byte prefix; the request stays open and its body never comes, so the status cannot wait for it.
        await content.WriteAsync(FrameBytes.Frame(0, declaredLength, []));
        var result = await call;
        content.Complete();

        Assert.True(result.StatusCode == StatusCode.ResourceExhausted, result.ToString());
        Assert.Equal(Exceeds, result.Message);
        await BrokerAssert.ServesAsync(host);
    }

    [Fact]
    public async Task The_receive_limit_is_configurable_and_a_message_of_exactly_the_limit_is_accepted()
    {
        const int Limit = 1024;
        await using var host = await BrokerTestHost.StartAsync("Grpc:MaxReceiveMessageSize=" + Limit);
        using var client = RawGrpc.CreateClient(host.Address);
        using var holder = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { "sized" } });
        await holder.OpenAsync();

        var atLimit = await RawGrpc.CallAsync(client, RawGrpc.Send, RawGrpc.Frame(SendOfSize(Limit)));
        var overLimit = await RawGrpc.CallAsync(client, RawGrpc.Send, RawGrpc.Frame(SendOfSize(Limit + 1)));
        var bigSubscribe = new SubscribeRequest { Aliases = { Enumerable.Range(0, 200).Select(i => "alias-" + i) } };
        Assert.True(bigSubscribe.CalculateSize() > Limit);
        var overLimitStream = await RawGrpc.CallAsync(client, RawGrpc.Subscribe, RawGrpc.Frame(bigSubscribe));

        Assert.True(atLimit.StatusCode == StatusCode.OK, atLimit.ToString());
        Assert.Equal(1u, atLimit.Reply(SendReply.Parser).Recipients);
        Assert.Equal(TextLengthFor(Limit), (await holder.NextMessageAsync()).AliasMessage.Text.Length);
        Assert.True(overLimit.StatusCode == StatusCode.ResourceExhausted, overLimit.ToString());
        Assert.Equal(Exceeds, overLimit.Message);
        Assert.True(overLimitStream.StatusCode == StatusCode.ResourceExhausted, overLimitStream.ToString());
        Assert.Equal(Exceeds, overLimitStream.Message);
        await BrokerAssert.ServesAsync(host);
    }

    /// <summary>A Send to "sized" whose encoding is exactly <paramref name="size"/> bytes.</summary>
    private static SendRequest SendOfSize(int size)
    {
        var request = new SendRequest { MsgName = "sized", Text = new string('s', TextLengthFor(size)) };
        Assert.Equal(size, request.CalculateSize());
        return request;
    }

    private static int TextLengthFor(int size)
    {
        for (var length = size; length > 0; length--)
        {
            if (new SendRequest { MsgName = "sized", Text = new string('s', length) }.CalculateSize() == size)
            {
                return length;
            }
        }

        throw new InvalidOperationException($"no text length gives a {size}-byte SendRequest");
    }
}
