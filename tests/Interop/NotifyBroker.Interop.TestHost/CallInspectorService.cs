using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Interop.TestHost;

/// <summary>notifybroker.interop.CallInspector: reports the <see cref="CallTracker"/> counters. Itself untracked.</summary>
public static class CallInspectorService
{
    public static ServiceDefinition CreateDefinition(CallTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        return ServiceDefinition.CreateBuilder(CallInspectorMethods.Service)
            .AddUnary(CallInspectorMethods.GetCallStats, (_, _) => Task.FromResult(tracker.Snapshot()))
            .Build();
    }
}
