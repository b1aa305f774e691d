using NotifyBroker.Grpc;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>The streaming interop cases.</summary>
public sealed class StreamingCaseTests : InteropTestBase
{
    [Fact]
    public async Task client_streaming()
    {
        using var call = Channel.ClientStreaming(TestServiceMethods.StreamingInputCall, Guarded());
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(74922, response.AggregatedPayloadSize);
    }

    [Fact]
    public async Task server_streaming()
    {
        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(size => new ResponseParameters { Size = size }));

        using var call = Channel.ServerStreaming(TestServiceMethods.StreamingOutputCall, request, Guarded());
        var received = new List<int>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            received.Add(call.ResponseStream.Current.Payload.Body.Length);
        }

        Assert.Equal(sizes, received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ping_pong()
    {
        (int Request, int Response)[] rounds = [(27182, 31415), (8, 9), (1828, 2653), (45904, 58979)];

        using var call = Channel.DuplexStreaming(TestServiceMethods.FullDuplexCall, Guarded());
        foreach (var (requestSize, responseSize) in rounds)
        {
            // The next request only goes out after the reply to this one came back: the server must answer (and
            // flush) each request as it arrives.
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseParameters = { new ResponseParameters { Size = responseSize } },
                Payload = Zeros(requestSize),
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(responseSize, call.ResponseStream.Current.Payload.Body.Length);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task empty_stream()
    {
        using var call = Channel.DuplexStreaming(TestServiceMethods.FullDuplexCall, Guarded());
        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}
