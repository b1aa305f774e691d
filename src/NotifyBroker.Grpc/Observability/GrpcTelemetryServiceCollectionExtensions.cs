using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Grpc.Observability;

/// <summary>Registers the server's tracing and call metrics.</summary>
public static class GrpcTelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GrpcServerTelemetry"/> as a call observer (once). Only register it when telemetry is
    /// exported: a server without observers keeps its synchronous fast path for unary calls.
    /// </summary>
    public static IServiceCollection AddGrpcServerTelemetry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServerCallObserver, GrpcServerTelemetry>());
        return services;
    }
}
