using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.TestHost;

/// <summary>The methods of grpc.testing.UnimplementedService, which the host deliberately does not serve.</summary>
public static class UnimplementedServiceMethods
{
    public static ServiceDescriptor Service { get; } =
        TestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("UnimplementedService");

    public static readonly Method<Empty, Empty> UnimplementedCall =
        MethodLookup.Find<Empty, Empty>(Service, nameof(UnimplementedCall));
}
