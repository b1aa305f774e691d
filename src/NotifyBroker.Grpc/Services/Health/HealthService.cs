using NotifyBroker.Grpc.Health.V1;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Grpc.Services.Health;

using ServingStatus = HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// grpc.health.v1.Health over a <see cref="HealthStatusRegistry"/> (doc/health-checking.md): Check answers a
/// registered name with its status and an unknown one with NOT_FOUND; Watch streams the current status (SERVICE_UNKNOWN
/// for an unknown name, without failing) and then every change, until the client goes away.
/// </summary>
public sealed class HealthService
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Descriptor =
        HealthReflection.Descriptor.Services.Single();

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(Descriptor, nameof(Check));

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(Descriptor, nameof(Watch));

    private readonly HealthStatusRegistry _registry;

    public HealthService(HealthStatusRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <summary>The binding of grpc.health.v1.Health to a service over <paramref name="registry"/>.</summary>
    public static ServiceDefinition CreateDefinition(HealthStatusRegistry registry) =>
        new HealthService(registry).CreateDefinition();

    public ServiceDefinition CreateDefinition() =>
        ServiceDefinition.CreateBuilder(Descriptor)
            .AddUnary(CheckMethod, Check)
            .AddServerStreaming(WatchMethod, Watch)
            .Build();

    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_registry.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public async Task Watch(
        HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);

        using var watch = _registry.Watch(request.Service);
        var cancellationToken = context.CancellationToken;
        ServingStatus? lastSent = null;
        try
        {
            while (await watch.Statuses.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (watch.Statuses.TryRead(out var status))
                {
                    // Setting the same status again is not a change: don't repeat it.
                    if (status != lastSent)
                    {
                        await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, cancellationToken)
                            .ConfigureAwait(false);
                        lastSent = status;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Watch only ends when the client cancels (or its deadline passes): that is its normal end.
            throw new RpcException(new Status(StatusCode.Cancelled, "The watch was cancelled."));
        }
    }
}
