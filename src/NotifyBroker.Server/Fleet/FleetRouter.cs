using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;
using NotifyBroker.Redis.Fleet;
using NotifyBroker.Server.Mapping;
using NotifyBroker.Server.Security;

namespace NotifyBroker.Server.Fleet;

/// <summary>
/// server_name routing: a Send or Broadcast naming another live broker is run by that broker and its reply (or
/// failure) handed back unchanged. Unknown name: NERR_InvalidComputer, as before the fleet. Registered but its lease
/// lapsed, or its process gone: UNAVAILABLE (ERROR_NOT_READY). No answer before the call's deadline:
/// DEADLINE_EXCEEDED (ERROR_TIMEOUT); without a deadline, <see cref="FleetOptions.RouteTimeoutMilliseconds"/> bounds
/// the wait and then it is UNAVAILABLE.
/// </summary>
internal sealed class FleetRouter
{
    private readonly Broker _broker;
    private readonly RedisServerDirectory _directory;
    private readonly RedisCallTransport _transport;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;

    public FleetRouter(Broker broker, RedisServerDirectory directory, RedisCallTransport transport, FleetOptions options, TimeProvider time)
    {
        _broker = broker;
        _directory = directory;
        _transport = transport;
        _options = options;
        _time = time;
    }

    public RedisServerDirectory Directory => _directory;

    /// <summary>ListServers of the fleet; Redis away is UNAVAILABLE.</summary>
    public Task<IReadOnlyList<Core.Fleet.ServerEntry>> ListServersAsync(CancellationToken cancellationToken) =>
        Ask(() => _directory.ListAsync(cancellationToken).AsTask());

    /// <summary>True when <paramref name="serverName"/> names a broker other than this one.</summary>
    public bool RoutesElsewhere(string? serverName) =>
        !string.IsNullOrEmpty(serverName) && !string.Equals(FleetNames.Normalize(serverName), FleetNames.Normalize(_broker.Name), StringComparison.Ordinal);

    public async Task<SendReply> SendAsync(SendRequest request, ServerCallContext context)
    {
        var forwarded = request.Clone();
        forwarded.ServerName = "";
        var reply = await CallAsync(request.ServerName, RoutedKind.Send, RoutedCall.Payload(forwarded), context).ConfigureAwait(false);
        return SendReply.Parser.ParseFrom(reply);
    }

    public async Task<BroadcastReply> BroadcastAsync(BroadcastRequest request, ServerCallContext context)
    {
        var forwarded = request.Clone();
        forwarded.ServerName = "";
        var reply = await CallAsync(request.ServerName, RoutedKind.Broadcast, RoutedCall.Payload(forwarded), context).ConfigureAwait(false);
        return BroadcastReply.Parser.ParseFrom(reply);
    }

    private async Task<byte[]> CallAsync(string serverName, RoutedKind kind, byte[] payload, ServerCallContext context)
    {
        var liveness = await Ask(() => _directory.LivenessAsync(serverName).AsTask()).ConfigureAwait(false);
        if (liveness == ServerLiveness.Unknown)
        {
            throw new BrokerException(Win32Error.NERR_InvalidComputer, $"'{serverName}' is not a broker of this fleet.") { Details = Server(serverName) };
        }

        if (liveness == ServerLiveness.Dead)
        {
            throw Unavailable(serverName, "its heartbeat has lapsed");
        }

        // A deadline far away (or none, which gRPC reports as DateTime.MaxValue) is bounded by the route timeout.
        var now = _time.GetUtcNow();
        DateTimeOffset? deadline = context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline.ToUniversalTime(), TimeSpan.Zero);
        var routeLimit = now.AddMilliseconds(_options.RouteTimeoutMilliseconds);
        var wait = (deadline is { } due && due < routeLimit ? due : routeLimit) - now;
        var call = new RoutedCall(kind, payload, context.CallerOf(), deadline);
        byte[]? answer;
        try
        {
            answer = await Ask(() => _transport.CallAsync(serverName, call.Encode(), wait > TimeSpan.Zero ? wait : TimeSpan.Zero, context.CancellationToken)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (deadline is { } passed && passed <= _time.GetUtcNow().AddMilliseconds(1))
            {
                throw new BrokerException(Win32Error.ERROR_TIMEOUT, $"'{serverName}' did not answer before the call's deadline.") { Details = Server(serverName) };
            }

            throw Unavailable(serverName, $"it did not answer within {_options.RouteTimeoutMilliseconds} ms");
        }

        if (answer is null)
        {
            throw Unavailable(serverName, "its process is not listening (gone)");
        }

        return RoutedReply.Open(answer);
    }

    /// <summary>Run a routed call here, for the broker that received it.</summary>
    public async Task<byte[]> ServeAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            var call = RoutedCall.Decode(bytes);
            using var deadline = call.Deadline is { } due ? new CancellationTokenSource(Remaining(due), _time) : new CancellationTokenSource();
            try
            {
                return RoutedReply.Success(call.Kind switch
                {
                    RoutedKind.Send => await SendHereAsync(call, deadline.Token).ConfigureAwait(false),
                    RoutedKind.Broadcast => await BroadcastHereAsync(call, deadline.Token).ConfigureAwait(false),
                    _ => throw new RpcException(new Status(StatusCode.Unimplemented, $"routed call kind {call.Kind}")),
                });
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return RoutedReply.Failure(StatusCode.DeadlineExceeded, "The routed call's deadline passed on the target broker.");
            }
        }
        catch (BrokerException error)
        {
            return RoutedReply.Failure(error);
        }
        catch (RpcException error)
        {
            return RoutedReply.Failure(error.StatusCode, error.Status.Detail);
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or EndOfStreamException or IOException)
        {
            return RoutedReply.Failure(StatusCode.Internal, $"The target broker could not run the routed call: {error.Message}");
        }
    }

    private async Task<byte[]> SendHereAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var request = SendRequest.Parser.ParseFrom(call.Request);
        var result = await _broker.SendAsync(RequestMapping.ToCore(request) with { Caller = call.Caller }, cancellationToken).ConfigureAwait(false);
        return RoutedCall.Payload(RequestMapping.ToContract(result));
    }

    private async Task<byte[]> BroadcastHereAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var request = BroadcastRequest.Parser.ParseFrom(call.Request);
        var result = await _broker.BroadcastAsync(RequestMapping.ToCore(request) with { Caller = call.Caller }, cancellationToken).ConfigureAwait(false);
        return RoutedCall.Payload(RequestMapping.ToContract(result));
    }

    private TimeSpan Remaining(DateTimeOffset due)
    {
        var left = due - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>Redis itself unreachable: UNAVAILABLE, like every call that needs Redis.</summary>
    private static async Task<T> Ask<T>(Func<Task<T>> redis)
    {
        try
        {
            return await redis().ConfigureAwait(false);
        }
        catch (StackExchange.Redis.RedisException error)
        {
            throw new BrokerException(Win32Error.ERROR_NOT_READY, $"Redis is unreachable, so the call cannot be routed: {error.Message}");
        }
    }

    private static BrokerException Unavailable(string serverName, string why) =>
        new(Win32Error.ERROR_NOT_READY, $"Broker '{serverName}' of this fleet is unavailable: {why}.") { Details = Server(serverName) };

    private static Dictionary<string, string> Server(string serverName) => new() { ["server_name"] = serverName };
}
