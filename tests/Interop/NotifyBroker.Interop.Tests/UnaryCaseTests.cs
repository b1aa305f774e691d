using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>The unary interop cases (doc/interop-test-descriptions.md), asserting what each description asserts.</summary>
public sealed class UnaryCaseTests : InteropTestBase
{
    [Fact]
    public async Task empty_unary()
    {
        var response = await Channel.UnaryAsync(TestServiceMethods.EmptyCall, new Empty(), Guarded());

        Assert.NotNull(response);
        Assert.Equal(0, response.CalculateSize());
    }

    [Fact]
    public async Task large_unary()
    {
        var request = new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828) };

        var response = await Channel.UnaryAsync(TestServiceMethods.UnaryCall, request, Guarded());

        Assert.Equal(PayloadType.Compressable, response.Payload.Type);
        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.All(response.Payload.Body.ToByteArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task custom_metadata()
    {
        var trailingValue = new byte[] { 0xab, 0xab, 0xab };
        var headers = new Metadata()
            .Add(TestServiceImplementation.EchoInitialMetadataKey, "test_initial_metadata_value")
            .Add(TestServiceImplementation.EchoTrailingMetadataKey, trailingValue);

        // Unary.
        using (var unary = Channel.UnaryAsync(
            TestServiceMethods.UnaryCall,
            new SimpleRequest { ResponseSize = 314159, Payload = Zeros(271828) },
            Guarded(new CallOptions { Headers = headers })))
        {
            var response = await unary;
            Assert.Equal(314159, response.Payload.Body.Length);
            AssertEchoed(await unary.ResponseHeadersAsync, unary.GetTrailers());
        }

        // Full duplex: one request, half-close, read everything.
        using var duplex = Channel.DuplexStreaming(TestServiceMethods.FullDuplexCall, Guarded(new CallOptions { Headers = headers }));
        await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 314159 } },
            Payload = Zeros(271828),
        });
        await duplex.RequestStream.CompleteAsync();
        var sizes = new List<int>();
        while (await duplex.ResponseStream.MoveNext(CancellationToken.None))
        {
            sizes.Add(duplex.ResponseStream.Current.Payload.Body.Length);
        }

        Assert.Equal([314159], sizes);
        Assert.Equal(StatusCode.OK, duplex.GetStatus().StatusCode);
        AssertEchoed(await duplex.ResponseHeadersAsync, duplex.GetTrailers());

        void AssertEchoed(Metadata responseHeaders, Metadata trailers)
        {
            Assert.Equal("test_initial_metadata_value", responseHeaders.GetValue(TestServiceImplementation.EchoInitialMetadataKey));
            Assert.Equal(trailingValue, trailers.GetValueBytes(TestServiceImplementation.EchoTrailingMetadataKey));

            // Position matters: the initial value only in the headers, the trailing one only in the trailers.
            Assert.Null(trailers.Get(TestServiceImplementation.EchoInitialMetadataKey));
            Assert.Null(responseHeaders.Get(TestServiceImplementation.EchoTrailingMetadataKey));
        }
    }
}
