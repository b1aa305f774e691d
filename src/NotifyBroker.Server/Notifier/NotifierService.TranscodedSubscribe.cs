using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Security;
using NotifyBroker.Server.Security.RateLimiting;

namespace NotifyBroker.Server.Notifier;

internal sealed partial class NotifierService
{
    /// <summary>
    /// Subscribe with typed events, as JSON transcoding binds it (GET /v1/subscribe): the same subscription, pump,
    /// keepalives, resume and held aliases as the gRPC Subscribe (<see cref="SubscribeHandler"/>); each event's shared
    /// bytes are read back into an Event for the transcoder's writer, which writes it as JSON.
    /// </summary>
    [Authorize(ScopePolicies.Subscribe)]
    [EnableRateLimiting(NotifyRateLimits.Streams)]
    public override Task Subscribe(SubscribeRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context) =>
        _subscribe.Handle(request, new TypedEvents(responseStream), context);

    private sealed class TypedEvents(IServerStreamWriter<Event> inner) : IServerStreamWriter<byte[]>
    {
        // The transcoder's writer takes no write options (its call context throws on them); the pump's only ask
        // for buffering, which the JSON writer does not need.
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(byte[] message) => inner.WriteAsync(Event.Parser.ParseFrom(message));
    }
}
