namespace NotifyBroker.Server.Fleet;

/// <summary>The fleet: this broker's registration, ListServers and server_name routing.</summary>
internal static class FleetHostingExtensions
{
    public static WebApplicationBuilder AddNotifyFleet(this WebApplicationBuilder builder) => builder;
}
