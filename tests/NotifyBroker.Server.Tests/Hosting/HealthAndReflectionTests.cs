using Grpc.HealthCheck;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using NotifyBroker.Server.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace NotifyBroker.Server.Tests.Hosting;

public sealed class HealthAndReflectionTests
{
    [Theory]
    [InlineData("")]
    [InlineData("notify.v1.Notifier")]
    public async Task Health_is_SERVING_while_up_and_NOT_SERVING_once_shutdown_begins(string service)
    {
        var host = await BrokerTestHost.StartAsync();
        try
        {
            var reply = await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = service });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);

            // Once shutdown begins Kestrel takes no new calls, so ask the health service itself.
            var health = host.Services.GetRequiredService<HealthServiceImpl>();
            await host.StopAsync();
            var stopped = await health.Check(new HealthCheckRequest { Service = service }, context: null!);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, stopped.Status);
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
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();

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
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();

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
