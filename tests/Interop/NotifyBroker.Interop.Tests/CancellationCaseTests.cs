using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>
/// The cancel and deadline interop cases. A server that answers UNIMPLEMENTED to everything passes their client-side
/// assertions, so each also asks CallInspector what the server's handlers saw: none may be left running, and every
/// handler that ran must have observed the cancellation.
/// </summary>
public sealed class CancellationCaseTests : InteropTestBase
{
    [Fact]
    public async Task cancel_after_begin()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = Channel.ClientStreaming(
            TestServiceMethods.StreamingInputCall, Guarded(new CallOptions { CancellationToken = cancellation.Token }));

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await AssertEveryHandlerObservedCancellationAsync();
    }

    [Fact]
    public async Task cancel_after_first_response()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = Channel.DuplexStreaming(
            TestServiceMethods.FullDuplexCall, Guarded(new CallOptions { CancellationToken = cancellation.Token }));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 31415 } },
            Payload = Zeros(27182),
        });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(31415, call.ResponseStream.Current.Payload.Body.Length);

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        // The handler certainly ran (it answered), so it must be the one cancelled call.
        var stats = await WaitForStatsAsync(s => s.ActiveCalls == 0 && s.CompletedCalls == 1);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Equal(1, stats.CompletedCalls);
        Assert.Equal(1, stats.CancelledCalls);
        Assert.Equal(0, stats.DeadlineExceededCalls);
    }

    [Fact]
    public async Task timeout_on_sleeping_server()
    {
        using var call = Channel.DuplexStreaming(
            TestServiceMethods.FullDuplexCall, new CallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(1) });
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
        }
        catch (RpcException)
        {
            // The deadline may pass before the request is written; the call's status below is what counts.
        }
        catch (InvalidOperationException)
        {
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await AssertEveryHandlerObservedCancellationAsync();
    }

    /// <summary>
    /// timeout_on_sleeping_server with proof that the handler was running when the deadline passed: it echoes an
    /// initial header at once, which the client waits for. The deadline leaves ample time for that; nothing here
    /// depends on how fast anything is.
    /// </summary>
    [Fact]
    public async Task timeout_on_sleeping_server_is_seen_by_the_running_handler()
    {
        var headers = new Metadata().Add(TestServiceImplementation.EchoInitialMetadataKey, "started");
        using var call = Channel.DuplexStreaming(
            TestServiceMethods.FullDuplexCall,
            new CallOptions { Headers = headers, Deadline = DateTime.UtcNow.AddSeconds(2) });
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
        Assert.Equal("started", (await call.ResponseHeadersAsync).GetValue(TestServiceImplementation.EchoInitialMetadataKey));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

        var stats = await WaitForStatsAsync(s => s.ActiveCalls == 0 && s.CompletedCalls == 1);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Equal(1, stats.CompletedCalls);
        Assert.Equal(1, stats.CancelledCalls);

        // Our client resets the stream at its own deadline, which is at or just before the server's (the server
        // counts grpc-timeout from when the request arrived): whichever acts first ends the call, so the server may or
        // may not have seen its own deadline pass.
        Assert.InRange(stats.DeadlineExceededCalls, 0, 1);
    }

    /// <summary>cancel_after_begin with proof that the handler was running when the client cancelled.</summary>
    [Fact]
    public async Task cancel_after_begin_is_seen_by_the_running_handler()
    {
        var headers = new Metadata().Add(TestServiceImplementation.EchoInitialMetadataKey, "started");
        using var cancellation = new CancellationTokenSource();
        using var call = Channel.ClientStreaming(
            TestServiceMethods.StreamingInputCall,
            Guarded(new CallOptions { Headers = headers, CancellationToken = cancellation.Token }));
        Assert.Equal("started", (await call.ResponseHeadersAsync).GetValue(TestServiceImplementation.EchoInitialMetadataKey));

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        var stats = await WaitForStatsAsync(s => s.ActiveCalls == 0 && s.CompletedCalls == 1);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Equal(1, stats.CompletedCalls);
        Assert.Equal(1, stats.CancelledCalls);
        Assert.Equal(0, stats.DeadlineExceededCalls);
    }

    /// <summary>
    /// For cases where the call may end before its handler ever starts (the server may refuse a call that is already
    /// cancelled): once the server settles, no handler is running and each one that ran saw the cancellation.
    /// </summary>
    private async Task AssertEveryHandlerObservedCancellationAsync()
    {
        // The "_is_seen_by_the_running_handler" variants below pin down that a handler which ran saw the
        // cancellation; here the handler may legitimately never have run.
        var stats = await WaitForStatsAsync(s => s.ActiveCalls == 0);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Equal(stats.CompletedCalls, stats.CancelledCalls);
        Assert.InRange(stats.CompletedCalls, 0, 1);
    }
}
