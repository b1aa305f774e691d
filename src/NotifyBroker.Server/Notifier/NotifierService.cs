using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Server.Fleet;
using NotifyBroker.Server.Mapping;
using NotifyBroker.Server.Security;
using NotifyBroker.Server.Security.RateLimiting;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// notify.v1.Notifier on the generated <see cref="Contracts.V1.Notifier.NotifierBase"/>: each RPC maps its request to
/// the core and the core's answer back. A core failure (a Win32/NERR code) becomes its status in
/// <see cref="BrokerErrorInterceptor"/>. Subscribe is bound apart (<see cref="NotifierBinding"/>,
/// <see cref="SerializedSubscribe"/>), so that every stream writes each event's shared bytes. Each RPC needs its
/// scope (ASP.NET Core authorization) and passes the caller to the core, which applies the rest of the policy.
/// </summary>
[BindServiceMethod(typeof(NotifierBinding), nameof(NotifierBinding.BindService))]
[EnableRateLimiting(NotifyRateLimits.Calls)]
internal sealed partial class NotifierService : Contracts.V1.Notifier.NotifierBase
{
    private static readonly AddAliasReply Added = new();
    private static readonly DeleteAliasReply Deleted = new();

    private readonly Broker _broker;
    private readonly SubscribeHandler _subscribe;
    private readonly FleetRouter? _fleet;

    public NotifierService(Broker broker, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<NotifierService> logger, FleetRouter? fleet = null)
    {
        _broker = broker;
        _fleet = fleet;
        _subscribe = new SubscribeHandler(broker, lifetime, time, logger);
    }

    /// <summary>NetMessageBufferSend.</summary>
    [Authorize(ScopePolicies.Send)]
    public override async Task<SendReply> Send(SendRequest request, ServerCallContext context)
    {
        if (_fleet?.RoutesElsewhere(request.ServerName) == true)
        {
            return await _fleet.SendAsync(request, context).ConfigureAwait(false);
        }

        var result = await _broker.SendAsync(RequestMapping.ToCore(request) with { Caller = context.CallerOf() }, context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }

    /// <summary>BroadcastSystemMessageEx.</summary>
    [Authorize(ScopePolicies.Broadcast)]
    public override async Task<BroadcastReply> Broadcast(BroadcastRequest request, ServerCallContext context)
    {
        if (_fleet?.RoutesElsewhere(request.ServerName) == true)
        {
            return await _fleet.BroadcastAsync(request, context).ConfigureAwait(false);
        }

        var result = await _broker.BroadcastAsync(RequestMapping.ToCore(request) with { Caller = context.CallerOf() }, context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }

    /// <summary>NetMessageNameAdd.</summary>
    [Authorize(ScopePolicies.Aliases)]
    public override Task<AddAliasReply> AddAlias(AddAliasRequest request, ServerCallContext context)
    {
        _broker.AddAlias(request.ServerName, request.Name, context.CallerOf());
        return Task.FromResult(Added);
    }

    /// <summary>NetMessageNameDel.</summary>
    [Authorize(ScopePolicies.Aliases)]
    public override Task<DeleteAliasReply> DeleteAlias(DeleteAliasRequest request, ServerCallContext context)
    {
        _broker.DeleteAlias(request.ServerName, request.Name, context.CallerOf());
        return Task.FromResult(Deleted);
    }

    /// <summary>NetMessageNameEnum: the caller's own aliases (an admin's: all of them).</summary>
    [Authorize(ScopePolicies.Aliases)]
    public override Task<ListAliasesReply> ListAliases(ListAliasesRequest request, ServerCallContext context)
    {
        var reply = new ListAliasesReply();
        foreach (var alias in _broker.ListAliases(request.ServerName, context.CallerOf()))
        {
            reply.Aliases.Add(new AliasInfo { Name = alias.Name, Registered = alias.Registered, Holders = (uint)Math.Max(0, alias.Holders), Owner = alias.Owner });
        }

        return Task.FromResult(reply);
    }

    /// <summary>
    /// ListServers: the brokers of the fleet (on its own, only this one). It needs notify:aliases, the
    /// directory-reading scope ListAliases needs.
    /// </summary>
    [Authorize(ScopePolicies.Aliases)]
    public override async Task<ListServersReply> ListServers(ListServersRequest request, ServerCallContext context)
    {
        var reply = new ListServersReply();
        var servers = _fleet is null
            ? await _broker.ListServersAsync(context.CancellationToken).ConfigureAwait(false)
            : await _fleet.ListServersAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var server in servers)
        {
            reply.Servers.Add(new ServerInfo
            {
                Name = server.Name,
                Desktop = server.Desktop == Core.Fleet.FleetDesktopKind.Win32 ? DesktopKind.Win32 : DesktopKind.InMemory,
                Host = server.Host,
                LastHeartbeat = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(server.LastHeartbeat),
                Started = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(server.Started),
                Self = server.Self,
            });
        }

        return reply;
    }

    /// <summary>Subscribe, as <see cref="SerializedSubscribe.Method"/> binds it: events arrive as their shared notify.v1.Event bytes.</summary>
    public Task Subscribe(SubscribeRequest request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context) =>
        _subscribe.Handle(request, responseStream, context);
}
