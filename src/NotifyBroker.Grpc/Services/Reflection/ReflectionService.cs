using Google.Protobuf;
using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Server;
using V1 = NotifyBroker.Grpc.Reflection.V1;
using V1Alpha = NotifyBroker.Grpc.Reflection.V1Alpha;

namespace NotifyBroker.Grpc.Services.Reflection;

/// <summary>
/// gRPC server reflection, served as both grpc.reflection.v1 and grpc.reflection.v1alpha (many tools still only speak
/// v1alpha). One implementation: the two versions have the same messages with the same field numbers, so a v1alpha
/// request is re-read as its v1 twin and the v1 answer re-read as v1alpha.
/// </summary>
public sealed class ReflectionService
{
    private static readonly ServiceDescriptor V1Descriptor = V1.ReflectionReflection.Descriptor.Services.Single();
    private static readonly ServiceDescriptor V1AlphaDescriptor = V1Alpha.ReflectionReflection.Descriptor.Services.Single();

    private static readonly Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse> V1Method =
        MethodLookup.Find<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(V1Descriptor, "ServerReflectionInfo");

    private static readonly Method<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse> V1AlphaMethod =
        MethodLookup.Find<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(V1AlphaDescriptor, "ServerReflectionInfo");

    private readonly Lazy<DescriptorCatalog> _catalog;

    /// <summary>
    /// Reflection over the services <paramref name="services"/> returns. It is asked once, at the first reflection
    /// request, so it may name services registered after this object was made (including the reflection services).
    /// </summary>
    public ReflectionService(Func<IEnumerable<ServiceDescriptor>> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _catalog = new Lazy<DescriptorCatalog>(() => new DescriptorCatalog(services()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The descriptors of the two reflection services, e.g. to list them among the registered ones.</summary>
    public static IReadOnlyList<ServiceDescriptor> Descriptors { get; } = [V1Descriptor, V1AlphaDescriptor];

    /// <summary>The v1 and v1alpha bindings of reflection over what <paramref name="services"/> returns.</summary>
    public static IReadOnlyList<ServiceDefinition> CreateDefinitions(Func<IEnumerable<ServiceDescriptor>> services)
    {
        var service = new ReflectionService(services);
        return [service.CreateV1Definition(), service.CreateV1AlphaDefinition()];
    }

    /// <summary>
    /// The v1 and v1alpha bindings of reflection over every service mapped in <paramref name="registry"/> (including
    /// these two, once mapped).
    /// </summary>
    public static IReadOnlyList<ServiceDefinition> CreateDefinitions(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return CreateDefinitions(() => registry.Services.Select(definition => definition.Service));
    }

    public ServiceDefinition CreateV1Definition() =>
        ServiceDefinition.CreateBuilder(V1Descriptor).AddDuplexStreaming(V1Method, ServerReflectionInfoV1).Build();

    public ServiceDefinition CreateV1AlphaDefinition() =>
        ServiceDefinition.CreateBuilder(V1AlphaDescriptor).AddDuplexStreaming(V1AlphaMethod, ServerReflectionInfoV1Alpha).Build();

    public Task ServerReflectionInfoV1(
        IAsyncStreamReader<V1.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1.ServerReflectionResponse> responseStream,
        ServerCallContext context) =>
        AnswerAsync(requestStream, responseStream, context, static request => request, static response => response);

    public Task ServerReflectionInfoV1Alpha(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responseStream,
        ServerCallContext context) =>
        AnswerAsync(
            requestStream,
            responseStream,
            context,
            static request => V1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()),
            static response => V1Alpha.ServerReflectionResponse.Parser.ParseFrom(response.ToByteString()));

    private async Task AnswerAsync<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        Func<TRequest, V1.ServerReflectionRequest> toV1,
        Func<V1.ServerReflectionResponse, TResponse> fromV1)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);

        var responder = new ReflectionResponder(_catalog.Value);
        var cancellationToken = context.CancellationToken;
        while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var response = responder.Respond(toV1(requestStream.Current));
            await responseStream.WriteAsync(fromV1(response), cancellationToken).ConfigureAwait(false);
        }
    }
}
