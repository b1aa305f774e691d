using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

public sealed partial class DeadlineAndCancellationTests
{
    private const string WarmUpHeader = "x-warm-up";

    [Fact]
    public async Task Deadline_sends_grpc_timeout_and_fails_locally_with_DEADLINE_EXCEEDED_resetting_the_stream()
    {
        var timeoutHeader = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverSawReset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            if (context.Request.Headers.ContainsKey(WarmUpHeader))
            {
                await RawGrpc.ReadAllFramesAsync(context.Request);
                RawGrpc.StartResponse(context.Response);
                await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
                RawGrpc.SetTrailerStatus(context.Response, 0);
                return;
            }

            timeoutHeader.SetResult(context.Request.Headers["grpc-timeout"].ToString());
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // The deadline runs from before the call starts, and a call whose deadline passes before its HEADERS are
        // written fails locally without reaching the server (correctly) - then there is no stream to reset and the
        // wait for the server to see one can only time out. On a cold channel the connection set-up (TCP, preface,
        // SETTINGS) and first-call JIT come first, which on a loaded machine took longer than the deadline. So the
        // connection is made by an ordinary call first, and the deadline leaves generous room to send the headers.
        using (var warmUp = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { Headers = new Metadata { { WarmUpHeader, "1" } } }))
        {
            await warmUp.ResponseAsync.Within();
        }

        var timeout = TimeSpan.FromSeconds(2);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { Deadline = DateTime.UtcNow + timeout });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
        var header = await timeoutHeader.Task.Within();
        await serverSawReset.Task.Within();

        var match = TimeoutFormat().Match(header);
        Assert.True(match.Success, $"grpc-timeout '{header}' is not 1-8 digits and a unit");
        var sent = ToTimeSpan(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value[0]);
        Assert.InRange(sent, TimeSpan.FromTicks(1), timeout);
    }

    [Fact]
    public async Task Deadline_during_a_server_stream_ends_it_with_DEADLINE_EXCEEDED()
    {
        var serverSawReset = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "first" });
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest(), CallOptions.WithTimeout(TimeSpan.FromMilliseconds(500)));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await serverSawReset.Task.Within();
    }

    [Fact]
    public async Task Expired_deadline_fails_without_sending_the_call()
    {
        var calls = 0;
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref calls);
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1) }).ResponseAsync.Within());
        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(1, Volatile.Read(ref calls)); // only the second call reached the server
    }

    [Fact]
    public async Task Far_deadline_is_clamped_to_eight_digits()
    {
        var timeoutHeader = new TaskCompletionSource<string>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            timeoutHeader.SetResult(context.Request.Headers["grpc-timeout"].ToString());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { Deadline = DateTime.UtcNow.AddYears(50) }).ResponseAsync.Within();

        Assert.Matches(TimeoutFormat(), await timeoutHeader.Task.Within());
    }

    [Fact]
    public async Task Cancelling_the_token_fails_the_call_with_CANCELLED_and_resets_the_stream()
    {
        var requestArrived = new TaskCompletionSource();
        var serverSawReset = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            requestArrived.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cancellation = new CancellationTokenSource();

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { CancellationToken = cancellation.Token });
        await requestArrived.Task.Within();
        await cancellation.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await serverSawReset.Task.Within();
    }

    [Fact]
    public async Task Already_cancelled_token_fails_with_CANCELLED()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { CancellationToken = new CancellationToken(true) }).ResponseAsync.Within());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task Disposing_a_server_stream_mid_way_cancels_it_and_resets_the_stream()
    {
        var serverSawReset = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "first" });
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        call.Dispose();

        await serverSawReset.Task.Within();
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_a_duplex_call()
    {
        var serverSawReset = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.SendHeadersAsync(context.Response);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var readCancellation = new CancellationTokenSource();

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "x" }).Within();
        var read = call.ResponseStream.MoveNext(readCancellation.Token);
        await readCancellation.CancelAsync();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => read.Within())).StatusCode);
        await serverSawReset.Task.Within();
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest()).Within())).StatusCode);
    }

    [Theory]
    [InlineData(0x8, StatusCode.Cancelled)] // CANCEL
    [InlineData(0x2, StatusCode.Internal)] // INTERNAL_ERROR
    [InlineData(0x0, StatusCode.Internal)] // NO_ERROR before any trailers
    [InlineData(0xB, StatusCode.ResourceExhausted)] // ENHANCE_YOUR_CALM
    [InlineData(0xC, StatusCode.PermissionDenied)] // INADEQUATE_SECURITY
    public async Task Server_RST_STREAM_maps_to_its_status(int errorCode, StatusCode expected)
    {
        var clientReadFirst = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "before the reset" });

            // Reset only once the client holds the message: the handler drops buffered DATA when a reset arrives.
            await clientReadFirst.Task;
            context.Features.Get<IHttpResetFeature>()!.Reset(errorCode);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal("before the reset", call.ResponseStream.Current.Text);
        clientReadFirst.SetResult();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Server_RST_STREAM_before_the_response_headers_maps_too()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            context.Features.Get<IHttpResetFeature>()!.Reset(0x8);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    private static TimeSpan ToTimeSpan(long value, char unit) => unit switch
    {
        'H' => TimeSpan.FromHours(value),
        'M' => TimeSpan.FromMinutes(value),
        'S' => TimeSpan.FromSeconds(value),
        'm' => TimeSpan.FromMilliseconds(value),
        'u' => TimeSpan.FromMicroseconds(value),
        _ => TimeSpan.FromTicks(value / 100),
    };

    [GeneratedRegex("^([0-9]{1,8})([HMSmun])$")]
    private static partial Regex TimeoutFormat();
}
