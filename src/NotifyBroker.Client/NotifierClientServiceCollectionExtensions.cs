using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NotifyBroker.Client.Credentials;
using NotifyBroker.Client.Observability;
using GeneratedClient = NotifyBroker.Contracts.V1.Notifier.NotifierClient;

namespace NotifyBroker.Client;

/// <summary>Registers <see cref="NotifierClient"/> with dependency injection, through Grpc.Net.ClientFactory.</summary>
public static class NotifierClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers the generated notify.v1 client with the gRPC client factory (address from
    /// <see cref="NotifierClientOptions.Address"/>, traced by the SDK's interceptor, its calls carrying the key
    /// <see cref="BrokerChannel.ResolveKey"/> finds) and <see cref="NotifierClient"/>
    /// over it. Returns the factory's builder, to add interceptors, configure the channel or the handler:
    /// <code>services.AddNotifierClient(o => o.Address = new Uri("http://localhost:50051")).AddInterceptor&lt;MyInterceptor&gt;();</code>
    /// </summary>
    public static IHttpClientBuilder AddNotifierClient(this IServiceCollection services, Action<NotifierClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NotifierClientOptions>().Configure(configure);
        services.AddTransient(static provider => new NotifierClient(
            provider.GetRequiredService<GeneratedClient>(),
            provider.GetRequiredService<IOptions<NotifierClientOptions>>().Value));
        return services
            .AddGrpcClient<GeneratedClient>(static (provider, factory) =>
                factory.Address = provider.GetRequiredService<IOptions<NotifierClientOptions>>().Value.Address
                    ?? throw new InvalidOperationException("NotifierClientOptions.Address is not set: AddNotifierClient(o => o.Address = new Uri(\"http://localhost:50051\"))."))
            .AddInterceptor(static () => RpcClientTelemetryInterceptor.Instance)
            .ConfigureChannel(static (provider, channel) =>
            {
                var options = provider.GetRequiredService<IOptions<NotifierClientOptions>>().Value;
                if (options.Address is { } address)
                {
                    BrokerChannel.Configure(channel, address, BrokerChannel.ResolveKey(address, options));
                }
            });
    }
}
