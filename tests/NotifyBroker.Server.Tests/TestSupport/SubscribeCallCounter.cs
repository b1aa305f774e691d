using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// Counts the Subscribe calls that reached the broker's handler (the request read and parsed) and those still running,
/// through an interceptor added innermost to the host's gRPC options: the test's view of "no stream left running".
/// </summary>
internal sealed class SubscribeCallCounter
{
    private int _started;
    private int _running;

    public int Started => Volatile.Read(ref _started);

    public int Running => Volatile.Read(ref _running);

    /// <summary>Adds the counting interceptor to a host's builder (for <see cref="BrokerTestHost.StartAsync(Action{WebApplicationBuilder}, string[])"/>).</summary>
    public void AddTo(WebApplicationBuilder builder) =>
        builder.Services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<CountingInterceptor>(this));

    private sealed class CountingInterceptor(SubscribeCallCounter counter) : Interceptor
    {
        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Interlocked.Increment(ref counter._started);
            Interlocked.Increment(ref counter._running);
            try
            {
                await continuation(request, responseStream, context);
            }
            finally
            {
                Interlocked.Decrement(ref counter._running);
            }
        }
    }
}
