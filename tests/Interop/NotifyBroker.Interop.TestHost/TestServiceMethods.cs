using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.TestHost;

/// <summary>The methods of grpc.testing.TestService, described from the transcribed test.proto.</summary>
public static class TestServiceMethods
{
    public static ServiceDescriptor Service { get; } = TestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("TestService");

    public static readonly Method<Empty, Empty> EmptyCall =
        MethodLookup.Find<Empty, Empty>(Service, nameof(EmptyCall));

    public static readonly Method<SimpleRequest, SimpleResponse> UnaryCall =
        MethodLookup.Find<SimpleRequest, SimpleResponse>(Service, nameof(UnaryCall));

    public static readonly Method<SimpleRequest, SimpleResponse> CacheableUnaryCall =
        MethodLookup.Find<SimpleRequest, SimpleResponse>(Service, nameof(CacheableUnaryCall));

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> StreamingOutputCall =
        MethodLookup.Find<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service, nameof(StreamingOutputCall));

    public static readonly Method<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCall =
        MethodLookup.Find<StreamingInputCallRequest, StreamingInputCallResponse>(Service, nameof(StreamingInputCall));

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCall =
        MethodLookup.Find<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service, nameof(FullDuplexCall));

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> HalfDuplexCall =
        MethodLookup.Find<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service, nameof(HalfDuplexCall));

    /// <summary>Declared by the contract and deliberately never bound: calling it must answer UNIMPLEMENTED.</summary>
    public static readonly Method<Empty, Empty> UnimplementedCall =
        MethodLookup.Find<Empty, Empty>(Service, nameof(UnimplementedCall));
}
