using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NotifyBroker.Grpc.Server.Internal;

namespace NotifyBroker.Grpc.Server;

/// <summary>Registers the gRPC server's services.</summary>
public static class GrpcServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gRPC server (options, <see cref="GrpcServiceRegistry"/>, routing, and the UNIMPLEMENTED answer for
    /// gRPC requests no endpoint matches). Then map services with <c>app.MapGrpcService(definition)</c>. Kestrel must offer HTTP/2 (h2c needs <c>HttpProtocols.Http2</c>).
    /// </summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<GrpcServerRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, UnimplementedCallStartupFilter>());
        return services;
    }
}
