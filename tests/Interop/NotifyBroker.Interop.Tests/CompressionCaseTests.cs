using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>
/// The compression interop cases. Request compression is checked by the server (expect_compressed); response
/// compression by the <see cref="WireTap"/>, which sees each message's Compressed-Flag.
/// </summary>
public sealed class CompressionCaseTests : InteropTestBase
{
    private static readonly BoolValue True = new() { Value = true };
    private static readonly BoolValue False = new() { Value = false };

    private static readonly CallOptions Gzip = new() { CompressionEncoding = "gzip" };
    private static readonly CallOptions Identity = new() { CompressionEncoding = "identity" };

    [Fact]
    public async Task client_compressed_unary()
    {
        // Probe: an uncompressed request that claims to be compressed must be refused.
        var probe = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(TestServiceMethods.UnaryCall, LargeRequest(expectCompressed: True), Guarded(Identity)));
        Assert.Equal(StatusCode.InvalidArgument, probe.StatusCode);

        var compressed = await Channel.UnaryAsync(TestServiceMethods.UnaryCall, LargeRequest(expectCompressed: True), Guarded(Gzip));
        Assert.Equal(314159, compressed.Payload.Body.Length);

        var uncompressed = await Channel.UnaryAsync(TestServiceMethods.UnaryCall, LargeRequest(expectCompressed: False), Guarded(Identity));
        Assert.Equal(314159, uncompressed.Payload.Body.Length);
    }

    [Fact]
    public async Task server_compressed_unary()
    {
        var compressedRequest = new SimpleRequest { ResponseCompressed = True, ResponseSize = 314159, Payload = Zeros(271828) };
        var compressed = await Channel.UnaryAsync(TestServiceMethods.UnaryCall, compressedRequest, Guarded());
        Assert.Equal(314159, compressed.Payload.Body.Length);

        var plainRequest = new SimpleRequest { ResponseCompressed = False, ResponseSize = 314159, Payload = Zeros(271828) };
        var plain = await Channel.UnaryAsync(TestServiceMethods.UnaryCall, plainRequest, Guarded());
        Assert.Equal(314159, plain.Payload.Body.Length);

        var wire = Tap.Responses.Where(r => r.Path == TestServiceMethods.UnaryCall.FullName).ToList();
        Assert.Equal(2, wire.Count);
        Assert.Equal([true], wire[0].CompressedFlags());
        Assert.Equal("gzip", wire[0].Encoding);
        Assert.Equal([false], wire[1].CompressedFlags());
    }

    [Fact]
    public async Task client_compressed_streaming()
    {
        // Probe: an uncompressed message that claims to be compressed must fail the call.
        using (var probe = Channel.ClientStreaming(TestServiceMethods.StreamingInputCall, Guarded(Identity)))
        {
            await WriteIgnoringEndedCallAsync(probe.RequestStream, new StreamingInputCallRequest { ExpectCompressed = True, Payload = Zeros(27182) });
            await CompleteIgnoringEndedCallAsync(probe.RequestStream);
            var error = await Assert.ThrowsAsync<RpcException>(() => probe.ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        // A compressed message, then one sent uncompressed on the same gzip call.
        using var call = Channel.ClientStreaming(TestServiceMethods.StreamingInputCall, Guarded(Gzip));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = True, Payload = Zeros(27182) });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = False, Payload = Zeros(45904) });
        await call.RequestStream.CompleteAsync();

        var response = await call;
        Assert.Equal(73086, response.AggregatedPayloadSize);
    }

    [Fact]
    public async Task server_compressed_streaming()
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Compressed = True, Size = 31415 },
                new ResponseParameters { Compressed = False, Size = 92653 },
            },
        };

        using var call = Channel.ServerStreaming(TestServiceMethods.StreamingOutputCall, request, Guarded());
        var sizes = new List<int>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            sizes.Add(call.ResponseStream.Current.Payload.Body.Length);
        }

        Assert.Equal([31415, 92653], sizes);
        var wire = Assert.Single(Tap.Responses, r => r.Path == TestServiceMethods.StreamingOutputCall.FullName);
        Assert.Equal([true, false], wire.CompressedFlags());
        Assert.Equal("gzip", wire.Encoding);
    }

    private static SimpleRequest LargeRequest(BoolValue expectCompressed) =>
        new() { ExpectCompressed = expectCompressed, ResponseSize = 314159, Payload = Zeros(271828) };

    // The server may end the probe call before the client finished sending: then writing fails, and the call's
    // outcome is what the test checks.
    private static async Task WriteIgnoringEndedCallAsync<T>(IClientStreamWriter<T> writer, T message)
    {
        try
        {
            await writer.WriteAsync(message);
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task CompleteIgnoringEndedCallAsync<T>(IClientStreamWriter<T> writer)
    {
        try
        {
            await writer.CompleteAsync();
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
