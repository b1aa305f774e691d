using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Client.Tests.Hosting;

/// <summary>The ways a NotifierClient is made: DI through the gRPC client factory, a channel, a call invoker.</summary>
public sealed class ClientRegistrationTests
{
    [Fact]
    public async Task AddNotifierClient_registers_a_client_of_the_configured_broker_with_the_callers_interceptors()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        var seen = new MethodRecorder();
        var services = new ServiceCollection();
        services.AddNotifierClient(o =>
        {
            o.Address = new Uri(broker.Address);
            o.ApiKey = InProcessBrokerHost.AdminKey;
        }).AddInterceptor(() => seen);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<NotifierClient>();
        await client.AddAliasAsync("desk");
        var aliases = await client.ListAliasesAsync();
        await using var events = client.SubscribeAsync(new SubscribeRequest { Aliases = { "desk" } }).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());

        Assert.Equal("desk", Assert.Single(aliases).Name);
        Assert.Equal(Event.KindOneofCase.Open, events.Current.KindCase);
        Assert.Equal(["/notify.v1.Notifier/AddAlias", "/notify.v1.Notifier/ListAliases", "/notify.v1.Notifier/Subscribe"], seen.Methods);
    }

    [Fact]
    public async Task AddNotifierClient_without_an_address_fails_clearly_when_the_client_is_made()
    {
        var services = new ServiceCollection();
        services.AddNotifierClient(static _ => { });
        await using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<NotifierClient>());
        Assert.Contains("Address", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_over_a_callers_channel_or_call_invoker_reaches_the_broker_and_leaves_the_channel_open()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var channel = InProcessBrokerHost.CreateChannel(broker.Address);
        var seen = new MethodRecorder();

        using (var overChannel = new NotifierClient(channel))
        {
            await overChannel.AddAliasAsync("one");
        }

        using var overInvoker = new NotifierClient(channel.Intercept(seen));
        await overInvoker.AddAliasAsync("two");

        // Disposing the first client left the caller's channel usable.
        Assert.Equal(["one", "two"], (await overInvoker.ListAliasesAsync()).Select(static a => a.Name));
        Assert.Equal(["/notify.v1.Notifier/AddAlias", "/notify.v1.Notifier/ListAliases"], seen.Methods);
    }

    /// <summary>Records the full name of every call that passes through it.</summary>
    private sealed class MethodRecorder : Interceptor
    {
        private readonly List<string> _methods = [];

        public IReadOnlyList<string> Methods
        {
            get
            {
                lock (_methods)
                {
                    return [.. _methods];
                }
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Record(context.Method.FullName);
            return continuation(request, context);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            Record(context.Method.FullName);
            return continuation(request, context);
        }

        private void Record(string method)
        {
            lock (_methods)
            {
                _methods.Add(method);
            }
        }
    }
}
