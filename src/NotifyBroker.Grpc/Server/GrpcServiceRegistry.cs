namespace NotifyBroker.Grpc.Server;

/// <summary>
/// Every service mapped with <c>MapGrpcService</c>, in mapping order: what server reflection lists and health can
/// check against. A singleton registered by <c>AddGrpcServer</c>.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly object _lock = new();
    private ServiceDefinition[] _services = [];

    /// <summary>A snapshot of the mapped services.</summary>
    public IReadOnlyList<ServiceDefinition> Services => Volatile.Read(ref _services);

    /// <summary>The mapped service with this fully qualified name (e.g. "notify.v1.Notifier"), or null. Case-sensitive.</summary>
    public ServiceDefinition? Find(string serviceName)
    {
        foreach (var service in Volatile.Read(ref _services))
        {
            if (string.Equals(service.Service.FullName, serviceName, StringComparison.Ordinal))
            {
                return service;
            }
        }

        return null;
    }

    internal void Add(ServiceDefinition service)
    {
        lock (_lock)
        {
            if (Find(service.Service.FullName) is not null)
            {
                throw new InvalidOperationException($"Service {service.Service.FullName} is already mapped.");
            }

            Volatile.Write(ref _services, [.. _services, service]);
        }
    }
}
