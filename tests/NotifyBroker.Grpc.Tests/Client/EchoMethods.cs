using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>The methods of the test service nb.grpc.tests.Echo, described from its generated descriptor.</summary>
internal static class EchoMethods
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service =
        TestEchoReflection.Descriptor.Services.Single(s => s.Name == "Echo");

    public static readonly Method<EchoRequest, EchoResponse> Unary = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "Unary");
    public static readonly Method<EchoRequest, EchoResponse> ClientStream = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "ClientStream");
    public static readonly Method<EchoRequest, EchoResponse> ServerStream = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "ServerStream");
    public static readonly Method<EchoRequest, EchoResponse> Duplex = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "Duplex");

    public const string UnaryPath = "/nb.grpc.tests.Echo/Unary";
}
