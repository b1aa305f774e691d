using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;

namespace NotifyBroker.Interop.TestHost;

/// <summary>The methods of the test-only notifybroker.interop.CallInspector.</summary>
public static class CallInspectorMethods
{
    public static ServiceDescriptor Service { get; } = CallInspectorReflection.Descriptor.Services.Single();

    public static readonly Method<CallStatsRequest, CallStats> GetCallStats =
        MethodLookup.Find<CallStatsRequest, CallStats>(Service, nameof(GetCallStats));
}
