using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using NotifyBroker.Server.Security;
using NotifyBroker.Server.Security.RateLimiting;

namespace NotifyBroker.Server.Notifier;

/// <summary>Binds Subscribe on <see cref="NotifierService"/> with <see cref="SerializedSubscribe.Method"/> (see <see cref="NotifierBinding"/>).</summary>
internal sealed class SubscribeMethodProvider : IServiceMethodProvider<NotifierService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<NotifierService> context)
    {
        // The endpoint metadata the generated binding gives every method: the service's attributes (e.g. [Authorize])
        // and POST only, with CORS preflight.
        var metadata = new List<object>(typeof(NotifierService).GetCustomAttributes(inherit: true))
        {
            new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),

            // After the service's own: the last rate limiting policy on an endpoint is the one that applies.
            new AuthorizeAttribute(ScopePolicies.Subscribe),
            new EnableRateLimitingAttribute(NotifyRateLimits.Streams),
        };
        context.AddServerStreamingMethod(
            SerializedSubscribe.Method,
            metadata,
            static (service, request, stream, call) => service.Subscribe(request, stream, call));
    }
}
