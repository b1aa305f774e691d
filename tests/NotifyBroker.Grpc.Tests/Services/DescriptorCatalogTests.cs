using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Health.V1;
using NotifyBroker.Grpc.Services.Reflection;

namespace NotifyBroker.Grpc.Tests.Services;

public sealed class DescriptorCatalogTests
{
    private static readonly ServiceDescriptor HealthService = HealthReflection.Descriptor.Services.Single();

    private readonly DescriptorCatalog _catalog = new([LayeredDescriptors.ApiService, HealthService, LayeredDescriptors.ApiService]);

    [Fact]
    public void Service_names_keep_the_given_order_without_duplicates()
    {
        Assert.Equal(["nbtest.api.Api", "grpc.health.v1.Health"], _catalog.ServiceNames);
    }

    [Theory]
    [InlineData("nbtest.api.Api", LayeredDescriptors.ApiFile)]
    [InlineData("nbtest.api.Api.Get", LayeredDescriptors.ApiFile)]
    [InlineData("nbtest.common.Stamp", LayeredDescriptors.CommonFile)]
    [InlineData(".nbtest.common.Stamp", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.at", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.Inner", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.Inner.depth", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.label", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.Kind", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Stamp.KIND_DEEP", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.Color", LayeredDescriptors.CommonFile)]
    [InlineData("nbtest.common.COLOR_RED", LayeredDescriptors.CommonFile)]
    [InlineData("google.protobuf.Timestamp", LayeredDescriptors.TimestampFile)]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    public void Finds_the_file_declaring_each_kind_of_symbol(string symbol, string expectedFile)
    {
        Assert.Equal(expectedFile, _catalog.FindFileContainingSymbol(symbol)?.Name);
    }

    [Theory]
    [InlineData("nbtest.common.Nope")]
    [InlineData("nbtest.common.Stamp.Kind.KIND_DEEP")] // enum values are scoped beside their enum, not inside it
    [InlineData("nbtest")] // a package is not a symbol
    [InlineData("")]
    public void Unknown_symbols_are_not_found(string symbol)
    {
        Assert.Null(_catalog.FindFileContainingSymbol(symbol));
    }

    [Fact]
    public void Knows_every_file_reachable_from_the_services_by_name()
    {
        Assert.NotNull(_catalog.FindFileByName(LayeredDescriptors.ApiFile));
        Assert.NotNull(_catalog.FindFileByName(LayeredDescriptors.CommonFile));
        Assert.NotNull(_catalog.FindFileByName(LayeredDescriptors.TimestampFile));
        Assert.NotNull(_catalog.FindFileByName("grpc/health/v1/health.proto"));
        Assert.Null(_catalog.FindFileByName("google/protobuf/duration.proto"));
    }

    [Fact]
    public void A_file_comes_with_its_transitive_dependencies_and_each_only_once_per_stream()
    {
        var api = _catalog.FindFileByName(LayeredDescriptors.ApiFile)!;
        var sent = new HashSet<string>();

        var first = DescriptorCatalog.WithDependencies(api, sent);
        Assert.Equal(
            [LayeredDescriptors.ApiFile, LayeredDescriptors.CommonFile, LayeredDescriptors.TimestampFile],
            first.Select(f => f.Name));

        // Asked again on the same stream: the file itself is repeated, its already-sent dependencies are not.
        var again = DescriptorCatalog.WithDependencies(api, sent);
        Assert.Equal([LayeredDescriptors.ApiFile], again.Select(f => f.Name));

        var common = DescriptorCatalog.WithDependencies(_catalog.FindFileByName(LayeredDescriptors.CommonFile)!, new HashSet<string>());
        Assert.Equal([LayeredDescriptors.CommonFile, LayeredDescriptors.TimestampFile], common.Select(f => f.Name));
    }

    [Fact]
    public void Proto3_messages_have_no_extensions_and_unknown_types_none_at_all()
    {
        Assert.Empty(_catalog.FindExtensionNumbers("nbtest.common.Stamp")!);
        Assert.Null(_catalog.FindExtensionNumbers("nbtest.common.Missing"));
        Assert.Null(_catalog.FindExtensionNumbers("nbtest.api.Api")); // a service, not a message
        Assert.Null(_catalog.FindFileContainingExtension("nbtest.common.Stamp", 100));
    }
}
