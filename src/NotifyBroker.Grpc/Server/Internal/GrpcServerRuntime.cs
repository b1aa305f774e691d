using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// The options as the hot path wants them: resolved once (compression providers looked up, observers combined),
/// so no call has to consult <see cref="IOptions{T}"/> or the container.
/// </summary>
internal sealed class GrpcServerRuntime
{
    public GrpcServerRuntime(IOptions<GrpcServerOptions> options, IEnumerable<IServerCallObserver> observers, ILoggerFactory loggerFactory)
    {
        var value = options.Value;
        MaxReceiveMessageSize = value.MaxReceiveMessageSize;
        MaxSendMessageSize = value.MaxSendMessageSize;
        EnableDetailedErrors = value.EnableDetailedErrors;
        CompressionProviders = new CompressionProviders(value.CompressionProviders);
        ResponseCompressionLevel = value.ResponseCompressionLevel;
        if (value.ResponseCompression is { } encoding && !string.Equals(encoding, Protocol.GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            ResponseCompression = CompressionProviders.Find(encoding)
                ?? throw new InvalidOperationException($"ResponseCompression '{encoding}' has no compression provider.");
        }

        var all = observers.ToArray();
        Observer = all.Length switch
        {
            0 => null,
            1 => all[0],
            _ => new CompositeServerCallObserver(all),
        };
        Logger = loggerFactory.CreateLogger("NotifyBroker.Grpc.Server");
    }

    public int? MaxReceiveMessageSize { get; }

    public int? MaxSendMessageSize { get; }

    public bool EnableDetailedErrors { get; }

    public CompressionProviders CompressionProviders { get; }

    public ICompressionProvider? ResponseCompression { get; }

    public CompressionLevel ResponseCompressionLevel { get; }

    /// <summary>Null when nobody observes calls: the handlers then skip the hook entirely.</summary>
    public IServerCallObserver? Observer { get; }

    public ILogger Logger { get; }

    private sealed class CompositeServerCallObserver(IServerCallObserver[] observers) : IServerCallObserver
    {
        public object? OnCallStarting(ServerCallContext context)
        {
            var states = new object?[observers.Length];
            for (var i = 0; i < observers.Length; i++)
            {
                states[i] = observers[i].OnCallStarting(context);
            }

            return states;
        }

        public void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception)
        {
            var states = (object?[])state!;
            for (var i = observers.Length - 1; i >= 0; i--)
            {
                observers[i].OnCallCompleted(context, states[i], status, exception);
            }
        }
    }
}
