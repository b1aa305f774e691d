using Microsoft.Extensions.Options;
using NotifyBroker.Core;
using NotifyBroker.Redis.Connection;
using NotifyBroker.Redis.Fleet;

namespace NotifyBroker.Server.Fleet;

/// <summary>
/// The fleet: this broker's registration, ListServers and server_name routing. Active with "Broker:Engine=Redis"
/// (the brokers of a fleet share its Redis); on the in-memory engine a broker knows only itself.
/// </summary>
internal static class FleetHostingExtensions
{
    public static WebApplicationBuilder AddNotifyFleet(this WebApplicationBuilder builder)
    {
        if (!string.Equals(builder.Configuration["Broker:Engine"], "Redis", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName);
        services.AddSingleton(static provider => provider.GetRequiredService<IOptions<FleetOptions>>().Value);
        services.AddSingleton(static provider =>
        {
            var broker = provider.GetRequiredService<Broker>();
            return new RedisServerDirectory(
                provider.GetRequiredService<RedisConnection>(),
                provider.GetRequiredService<FleetOptions>(),
                broker.Name,
                broker.HostName,
                broker.DesktopKind,
                broker.Started,
                provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(static provider => new RedisCallTransport(provider.GetRequiredService<RedisConnection>(), provider.GetRequiredService<Broker>().Name));
        services.AddSingleton<FleetRouter>();
        services.AddHostedService<FleetRegistration>();
        return builder;
    }
}
