using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Grpc.Server.Internal;

namespace NotifyBroker.Grpc.Server;

/// <summary>Maps gRPC services onto ASP.NET Core endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <paramref name="service"/>: one endpoint per method at "/package.Service/Method". gRPC requests that
    /// match no endpoint are answered UNIMPLEMENTED at the end of the pipeline (see AddGrpcServer). The service is
    /// added to <see cref="GrpcServiceRegistry"/>. The returned builder applies conventions (authorization, …)
    /// to the method endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before MapGrpcService.");
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        registry.Add(service);

        var conventions = new List<IEndpointConventionBuilder>(service.Methods.Count);
        foreach (var binding in service.Methods)
        {
            var handler = ServerCallHandlerFactory.Create(binding, runtime);
            conventions.Add(endpoints.Map(RoutePatternFactory.Parse(binding.FullName), handler.HandleCallAsync)
                .WithDisplayName("gRPC " + binding.FullName));
        }

        return new CompositeConventionBuilder(conventions);
    }

    private sealed class CompositeConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
