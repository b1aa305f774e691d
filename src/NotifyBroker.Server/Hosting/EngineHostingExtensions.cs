using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NotifyBroker.Core;
using NotifyBroker.Core.Engine;
using NotifyBroker.Redis;
using NotifyBroker.Redis.Connection;
using NotifyBroker.Redis.Engine;

namespace NotifyBroker.Server.Hosting;

/// <summary>The choice of engine at run time ("Broker:Engine": Memory, the default, or Redis).</summary>
internal static class EngineHostingExtensions
{
    public static WebApplicationBuilder AddNotifyEngine(this WebApplicationBuilder builder)
    {
        var engine = builder.Configuration["Broker:Engine"] ?? "Memory";
        if (string.Equals(engine, "Memory", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        if (!string.Equals(engine, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Broker:Engine must be Memory or Redis, not '{engine}'.");
        }

        var services = builder.Services;
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName);
        services.TryAddSingleton(static provider => new RedisConnection(provider.GetRequiredService<IOptions<RedisOptions>>().Value));
        services.TryAddSingleton<IBrokerEngine>(static provider => new RedisEngine(
            provider.GetRequiredService<RedisConnection>(),
            provider.GetRequiredService<IOptions<BrokerOptions>>().Value,
            provider.GetService<TimeProvider>()));
        return builder;
    }
}
