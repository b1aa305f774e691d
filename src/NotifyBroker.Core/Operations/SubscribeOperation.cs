using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Operations;

/// <summary>Subscribe: validate the request, hold its aliases, and open a cursor on the engine.</summary>
internal sealed class SubscribeOperation
{
    private readonly IBrokerEngine _engine;
    private readonly AliasTable _aliases;
    private readonly SubscriberAudience _audience;
    private readonly int _capacity;
    private readonly int _maxFilterEntries;

    public SubscribeOperation(IBrokerEngine engine, AliasTable aliases, SubscriberAudience audience, int capacity, int maxFilterEntries)
    {
        _engine = engine;
        _aliases = aliases;
        _audience = audience;
        _capacity = capacity;
        _maxFilterEntries = maxFilterEntries;
    }

    public Subscription Open(SubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.Caller ?? Caller.Operator;
        var filter = BuildFilter(request, caller);
        var start = ToStart(request);
        _aliases.EnsureMayFilter(request.Aliases, caller);

        // Hold aliases first: once Subscribe returns, a Send to them must reach this subscription.
        var lease = _aliases.Hold(request.HoldAliases, caller);
        try
        {
            // Cursor placed and counted in one step: a Send counts this stream exactly when the stream will deliver it.
            var (stream, membership) = _audience.Join(filter, () => _engine.Subscribe(filter, start, _capacity));
            return new Subscription(stream, lease, membership);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private EventFilter BuildFilter(SubscriptionRequest request, Caller caller)
    {
        var windowFilters = request.MessageIds.Count + request.MessageRanges.Count + request.RegisteredNames.Count;
        if (windowFilters > 0 && !caller.Has(BrokerScopes.Subscribe))
        {
            throw BrokerException.MissingScope(BrokerScopes.Subscribe, "Window messages need the scope notify:subscribe.");
        }

        if (request.HoldAliases.Count > 0 && !caller.Has(BrokerScopes.Aliases))
        {
            throw BrokerException.MissingScope(BrokerScopes.Aliases, "Holding aliases needs the scope notify:aliases.");
        }

        var entries = request.MessageIds.Count + request.MessageRanges.Count + request.RegisteredNames.Count +
            request.Aliases.Count + request.HoldAliases.Count;
        if (entries > _maxFilterEntries)
        {
            throw Invalid($"At most {_maxFilterEntries} filter entries are allowed; {entries} were given.");
        }

        if (request.MessageIds.Any(static id => id > WindowMessages.RegisteredLast))
        {
            throw Invalid("Message ids above 0xFFFF are reserved and never received.");
        }

        if (request.MessageRanges.Any(static r => r.First > r.Last))
        {
            throw Invalid("A message range's first id must not exceed its last.");
        }

        if (request.RegisteredNames.Any(static n => string.IsNullOrEmpty(n) || n.Length > WindowMessages.MaxRegisteredNameLength))
        {
            throw Invalid("A registered message name must have 1 to 255 characters.");
        }

        var aliases = request.Aliases.Concat(request.HoldAliases).Select(static a => AliasName.Validate(a)).ToArray();
        var visibility = EventVisibility.For(caller);
        return entries == 0 && visibility == EventVisibility.Everything
            ? EventFilter.All
            : new EventFilter(request.MessageIds, request.MessageRanges, request.RegisteredNames, aliases, visibility);
    }

    private static SubscriptionStart ToStart(SubscriptionRequest request) => (request.After, request.Since) switch
    {
        ({ } after, null) => SubscriptionStart.After(after),
        (null, { } since) => SubscriptionStart.Since(since),
        (null, null) => SubscriptionStart.Live,
        _ => throw Invalid("Give at most one of a position to resume after and a time to replay since."),
    };

    private static BrokerException Invalid(string message) => new(Win32Error.ERROR_INVALID_PARAMETER, message);
}
