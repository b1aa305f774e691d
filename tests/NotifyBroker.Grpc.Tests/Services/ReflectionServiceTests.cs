using Google.Protobuf;
using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Client;
using V1 = NotifyBroker.Grpc.Reflection.V1;
using V1Alpha = NotifyBroker.Grpc.Reflection.V1Alpha;

namespace NotifyBroker.Grpc.Tests.Services;

/// <summary>
/// Server reflection over a real server and our client, as a generic tool uses it: one stream, several queries,
/// descriptors rebuilt from nothing but the answers. v1 and v1alpha must answer alike.
/// </summary>
public sealed class ReflectionServiceTests : IAsyncLifetime
{
    private static readonly Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse> V1Info =
        MethodLookup.Find<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(
            V1.ReflectionReflection.Descriptor.Services.Single(), "ServerReflectionInfo");

    private static readonly Method<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse> V1AlphaInfo =
        MethodLookup.Find<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(
            V1Alpha.ReflectionReflection.Descriptor.Services.Single(), "ServerReflectionInfo");

    private static readonly string[] ExpectedServices =
    [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "nbtest.api.Api",
    ];

    private ServicesTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ServicesTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task V1_lists_every_mapped_service_including_health_and_reflection_itself()
    {
        await using var stream = new ReflectionStream<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(_server.Channel, V1Info);

        var response = await stream.AskAsync(new V1.ServerReflectionRequest { Host = "localhost", ListServices = "" });

        Assert.Equal(ExpectedServices, response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("localhost", response.ValidHost);
        Assert.Equal(V1.ServerReflectionRequest.MessageRequestOneofCase.ListServices, response.OriginalRequest.MessageRequestCase);
    }

    [Fact]
    public async Task V1alpha_lists_the_same_services()
    {
        await using var stream = new ReflectionStream<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(_server.Channel, V1AlphaInfo);

        var response = await stream.AskAsync(new V1Alpha.ServerReflectionRequest { ListServices = "*" });

        Assert.Equal(ExpectedServices, response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("*", response.OriginalRequest.ListServices);
    }

    [Fact]
    public async Task V1_symbol_query_returns_the_declaring_file_with_its_transitive_dependencies()
    {
        await using var stream = new ReflectionStream<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(_server.Channel, V1Info);

        var response = await stream.AskAsync(new V1.ServerReflectionRequest { FileContainingSymbol = "nbtest.api.Api.Get" });

        var files = Rebuild(response.FileDescriptorResponse.FileDescriptorProto);
        Assert.Equal(
            [LayeredDescriptors.ApiFile, LayeredDescriptors.CommonFile, LayeredDescriptors.TimestampFile],
            response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name));
        var method = files.Single(f => f.Name == LayeredDescriptors.ApiFile).Services.Single().Methods.Single();
        Assert.Equal("nbtest.common.Stamp", method.InputType.FullName);
        Assert.Equal("google.protobuf.Timestamp", method.InputType.Fields.InDeclarationOrder()[0].MessageType.FullName);
    }

    [Fact]
    public async Task V1alpha_symbol_query_for_a_nested_type_returns_its_file_and_dependencies()
    {
        await using var stream = new ReflectionStream<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(_server.Channel, V1AlphaInfo);

        var response = await stream.AskAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "nbtest.common.Stamp.Inner" });

        var files = Rebuild(response.FileDescriptorResponse.FileDescriptorProto);
        Assert.Equal([LayeredDescriptors.CommonFile, LayeredDescriptors.TimestampFile], files.Select(f => f.Name).Reverse());
    }

    [Fact]
    public async Task The_reflection_service_describes_itself_by_symbol_and_by_file_name()
    {
        await using var stream = new ReflectionStream<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(_server.Channel, V1Info);

        var bySymbol = await stream.AskAsync(new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.reflection.v1.ServerReflection" });
        var byName = await stream.AskAsync(new V1.ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        var reflection = Rebuild(bySymbol.FileDescriptorResponse.FileDescriptorProto).Single();
        Assert.Equal("grpc/reflection/v1/reflection.proto", reflection.Name);
        Assert.Equal("ServerReflectionInfo", reflection.Services.Single().Methods.Single().Name);
        var health = Rebuild(byName.FileDescriptorResponse.FileDescriptorProto).Single();
        Assert.Equal(["Check", "Watch"], health.Services.Single().Methods.Select(m => m.Name));
    }

    [Fact]
    public async Task V1_unknown_queries_get_not_found_and_the_stream_stays_usable()
    {
        await using var stream = new ReflectionStream<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(_server.Channel, V1Info);

        var unknownSymbol = await stream.AskAsync(new V1.ServerReflectionRequest { FileContainingSymbol = "no.such.Thing" });
        var unknownFile = await stream.AskAsync(new V1.ServerReflectionRequest { FileByFilename = "no/such.proto" });
        var afterwards = await stream.AskAsync(new V1.ServerReflectionRequest { FileByFilename = LayeredDescriptors.CommonFile });

        Assert.Equal((int)StatusCode.NotFound, unknownSymbol.ErrorResponse.ErrorCode);
        Assert.Equal("no.such.Thing", unknownSymbol.OriginalRequest.FileContainingSymbol);
        Assert.Equal((int)StatusCode.NotFound, unknownFile.ErrorResponse.ErrorCode);
        Assert.Equal(LayeredDescriptors.CommonFile, FileDescriptorProto.Parser.ParseFrom(afterwards.FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }

    [Fact]
    public async Task V1alpha_unknown_symbol_gets_not_found_and_extension_queries_answer_for_proto3()
    {
        await using var stream = new ReflectionStream<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(_server.Channel, V1AlphaInfo);

        var unknown = await stream.AskAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "no.such.Thing" });
        var numbers = await stream.AskAsync(new V1Alpha.ServerReflectionRequest { AllExtensionNumbersOfType = "nbtest.common.Stamp" });
        var extension = await stream.AskAsync(new V1Alpha.ServerReflectionRequest
        {
            FileContainingExtension = new V1Alpha.ExtensionRequest { ContainingType = "nbtest.common.Stamp", ExtensionNumber = 100 },
        });

        Assert.Equal((int)StatusCode.NotFound, unknown.ErrorResponse.ErrorCode);
        Assert.Equal("nbtest.common.Stamp", numbers.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(numbers.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Equal((int)StatusCode.NotFound, extension.ErrorResponse.ErrorCode);
    }

    /// <summary>Rebuilds descriptors from an answer (dependencies first, which is the answer's order reversed).</summary>
    private static IReadOnlyList<FileDescriptor> Rebuild(IEnumerable<ByteString> files) =>
        FileDescriptor.BuildFromByteStrings(files.Reverse());

    /// <summary>One ServerReflectionInfo stream: each question is answered by exactly one response, in order.</summary>
    private sealed class ReflectionStream<TRequest, TResponse> : IAsyncDisposable
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call;

        public ReflectionStream(GrpcChannel channel, Method<TRequest, TResponse> method) =>
            _call = channel.DuplexStreaming(method, CallOptions.WithTimeout(TimeSpan.FromSeconds(30)));

        public async Task<TResponse> AskAsync(TRequest request)
        {
            await _call.RequestStream.WriteAsync(request);
            Assert.True(await _call.ResponseStream.MoveNext(CancellationToken.None));
            return _call.ResponseStream.Current;
        }

        public async ValueTask DisposeAsync()
        {
            // A well-behaved client half-closes; the server then ends the stream with OK.
            await _call.RequestStream.CompleteAsync();
            Assert.False(await _call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.OK, _call.GetStatus().StatusCode);
            _call.Dispose();
        }
    }
}
