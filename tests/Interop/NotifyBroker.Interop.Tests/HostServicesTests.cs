using Google.Protobuf;
using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Health.V1;
using V1 = NotifyBroker.Grpc.Reflection.V1;

namespace NotifyBroker.Interop.Tests;

/// <summary>What the interop host offers besides TestService: health for every service, and reflection of the test protos.</summary>
public sealed class HostServicesTests : InteropTestBase
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services.Single(), "Check");

    private static readonly Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse> ReflectionInfo =
        MethodLookup.Find<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(
            V1.ReflectionReflection.Descriptor.Services.Single(), "ServerReflectionInfo");

    [Theory]
    [InlineData("")]
    [InlineData("grpc.testing.TestService")]
    [InlineData("notifybroker.interop.CallInspector")]
    [InlineData("grpc.health.v1.Health")]
    [InlineData("grpc.reflection.v1.ServerReflection")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection")]
    public async Task Every_service_and_the_server_are_serving(string service)
    {
        var response = await Channel.UnaryAsync(Check, new HealthCheckRequest { Service = service }, Guarded());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task The_unimplemented_service_is_not_registered_for_health()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(Check, new HealthCheckRequest { Service = "grpc.testing.UnimplementedService" }, Guarded()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reflection_describes_TestService_from_the_test_protos_with_their_imports()
    {
        using var call = Channel.DuplexStreaming(ReflectionInfo, Guarded());
        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto;
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));

        var names = files.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();
        Assert.Equal("grpc/testing/test.proto", names[0]);
        Assert.Equal(["grpc/testing/empty.proto", "grpc/testing/messages.proto"], names.Skip(1).Order(StringComparer.Ordinal));

        // Rebuilt from the answer alone (dependencies first), as a tool without our .proto files would.
        var ordered = files.OrderBy(b => FileDescriptorProto.Parser.ParseFrom(b).Name == "grpc/testing/test.proto" ? 1 : 0);
        var test = FileDescriptor.BuildFromByteStrings(ordered).Single(f => f.Name == "grpc/testing/test.proto");
        var testService = test.Services.Single(s => s.Name == "TestService");
        Assert.Equal(
            ["EmptyCall", "UnaryCall", "CacheableUnaryCall", "StreamingOutputCall", "StreamingInputCall", "FullDuplexCall", "HalfDuplexCall", "UnimplementedCall"],
            testService.Methods.Select(m => m.Name));
        Assert.Equal("grpc.testing.SimpleRequest", testService.FindMethodByName("UnaryCall").InputType.FullName);
    }
}
