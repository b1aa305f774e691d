using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Health.V1;
using NotifyBroker.Grpc.Reflection.V1;
using NotifyBroker.Grpc.Services.Health;
using NotifyBroker.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace NotifyBroker.Server.Tests.Hosting;

public sealed class HealthAndReflectionTests
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services.Single(), "Check");

    private static readonly Method<ServerReflectionRequest, ServerReflectionResponse> ReflectionInfo =
        MethodLookup.Find<ServerReflectionRequest, ServerReflectionResponse>(ReflectionReflection.Descriptor.Services.Single(), "ServerReflectionInfo");

    [Theory]
    [InlineData("")]
    [InlineData("notify.v1.Notifier")]
    public async Task Health_is_SERVING_while_up_and_NOT_SERVING_once_shutdown_begins(string service)
    {
        var host = await BrokerTestHost.StartAsync();
        try
        {
            var reply = await host.Channel.UnaryAsync(Check, new HealthCheckRequest { Service = service });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);

            var registry = host.Services.GetRequiredService<HealthStatusRegistry>();
            await host.StopAsync();
            Assert.True(registry.TryGetStatus(service, out var status));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reflection_lists_the_Notifier_health_and_reflection_services()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var call = host.Channel.DuplexStreaming(ReflectionInfo);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        using var timeout = new CancellationTokenSource(Streams.Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("notify.v1.Notifier", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task Reflection_serves_the_notifier_proto_file()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var call = host.Channel.DuplexStreaming(ReflectionInfo);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "notify.v1.Notifier" });
        await call.RequestStream.CompleteAsync();
        using var timeout = new CancellationTokenSource(Streams.Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));

        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes).Name)
            .ToList();
        Assert.Contains("notify/v1/notifier.proto", files);
    }
}
