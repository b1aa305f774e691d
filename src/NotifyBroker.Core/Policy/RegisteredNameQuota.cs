using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// Bounds the names the broker registers (RegisterWindowMessage) for Broadcast by registered_name. Each new name takes
/// an atom from the 0xC000-0xFFFF table that the whole session shares and that is never freed until logoff, so:
/// <list type="bullet">
/// <item>the broker registers at most <see cref="BroadcastPolicyOptions.MaxRegisteredNames"/> distinct names in all;</item>
/// <item>one identity introduces at most <see cref="BroadcastPolicyOptions.MaxRegisteredNamesPerIdentity"/> of them;</item>
/// <item>and at most <see cref="BroadcastPolicyOptions.NewRegisteredNamesPerMinute"/> a minute (a token bucket on the
/// broker's clock).</item>
/// </list>
/// A name the broker already registered, for anyone, is free. Names compare case-insensitively, as atoms do. Admins
/// (and the in-process operator) are bounded by the total only. Memory is bounded by the total: an identity is
/// tracked only while it has introduced a name, and each name is counted once, for the identity that introduced it.
/// </summary>
/// <remarks>
/// The bucket is the broker's own rather than System.Threading.RateLimiting's: that assembly ships in the ASP.NET Core
/// shared framework, not in Microsoft.NETCore.App, which is all the core references; and its limiters keep time with
/// Stopwatch and their own timers, where this one reads the broker's <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class RegisteredNameQuota
{
    private static readonly TimeSpan RatePeriod = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _registered = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Identity> _identities = new(StringComparer.Ordinal);
    private readonly int _maxTotal;
    private readonly int _maxPerIdentity;
    private readonly int _perMinute;
    private readonly TimeProvider _time;

    public RegisteredNameQuota(BroadcastPolicyOptions options, TimeProvider time)
    {
        _maxTotal = options.MaxRegisteredNames;
        _maxPerIdentity = options.MaxRegisteredNamesPerIdentity;
        _perMinute = options.NewRegisteredNamesPerMinute;
        _time = time;
    }

    /// <summary>How many distinct names the broker has registered for callers.</summary>
    public int RegisteredCount
    {
        get
        {
            lock (_gate)
            {
                return _registered.Count;
            }
        }
    }

    /// <summary>How many identities are tracked (those that introduced at least one name).</summary>
    public int TrackedIdentities
    {
        get
        {
            lock (_gate)
            {
                return _identities.Count;
            }
        }
    }

    /// <summary>
    /// Register <paramref name="name"/> for <paramref name="caller"/> with <paramref name="register"/> (the desktop
    /// call), or throw <see cref="BrokerException.OverLimit"/> without calling it. A failed registration is not counted.
    /// </summary>
    public uint Register(Caller caller, string name, Func<string, uint> register)
    {
        if (!Reserve(caller, name))
        {
            return register(name);
        }

        try
        {
            return register(name);
        }
        catch
        {
            Release(caller, name);
            throw;
        }
    }

    /// <summary>True when the name is new and was reserved (counted) for the caller; false when it costs nothing.</summary>
    private bool Reserve(Caller caller, string name)
    {
        lock (_gate)
        {
            if (_registered.Contains(name))
            {
                return false;
            }

            if (_registered.Count >= _maxTotal)
            {
                throw BrokerException.OverLimit("max_registered_names",
                    $"The broker has registered {_maxTotal} distinct message names, its limit (Broker:Policy:MaxRegisteredNames): " +
                    "registered ids are shared by the whole session and never freed. Use a name already registered.");
            }

            _identities.TryGetValue(caller.Id, out var identity);
            var bounded = !caller.IsAdmin;
            if (bounded && (identity?.Names ?? 0) >= _maxPerIdentity)
            {
                throw BrokerException.OverLimit("max_registered_names_per_identity",
                    $"'{caller.Id}' has made the broker register {_maxPerIdentity} distinct message names, its limit " +
                    "(Broker:Policy:MaxRegisteredNamesPerIdentity). Use a name already registered.");
            }

            if (bounded && _perMinute == 0)
            {
                // Waiting does not help, so no retry delay.
                throw BrokerException.OverLimit("new_registered_names_per_minute",
                    "New message names are not allowed (Broker:Policy:NewRegisteredNamesPerMinute is 0). Use a name already registered.");
            }

            var now = _time.GetUtcNow();
            identity ??= new Identity(_perMinute, now);
            if (bounded && !identity.Bucket.TryTake(now, _perMinute, out var retryAfter))
            {
                throw BrokerException.OverLimit("new_registered_names_per_minute",
                    $"'{caller.Id}' may introduce {_perMinute} new message names a minute (Broker:Policy:NewRegisteredNamesPerMinute).",
                    retryAfter);
            }

            identity.Names++;
            _identities[caller.Id] = identity;
            _registered.Add(name);
            return true;
        }
    }

    private void Release(Caller caller, string name)
    {
        lock (_gate)
        {
            _registered.Remove(name);
            if (_identities.TryGetValue(caller.Id, out var identity) && --identity.Names <= 0)
            {
                _identities.Remove(caller.Id);
            }
        }
    }

    private sealed class Identity
    {
        public Identity(int perMinute, DateTimeOffset now)
        {
            Bucket = new TokenBucket(perMinute, now);
        }

        public int Names { get; set; }

        public TokenBucket Bucket { get; }
    }

    /// <summary>Holds up to <c>capacity</c> tokens and refills at <c>capacity</c> per minute, continuously.</summary>
    private sealed class TokenBucket
    {
        private double _tokens;
        private DateTimeOffset _last;

        public TokenBucket(int capacity, DateTimeOffset now)
        {
            _tokens = capacity;
            _last = now;
        }

        public bool TryTake(DateTimeOffset now, int capacity, out TimeSpan retryAfter)
        {
            retryAfter = TimeSpan.Zero;

            // A clock that went back refills nothing (and is not held against the caller).
            var elapsed = now > _last ? now - _last : TimeSpan.Zero;
            _tokens = Math.Min(capacity, _tokens + (elapsed / RatePeriod * capacity));
            _last = now > _last ? now : _last;
            if (_tokens >= 1 - 1e-9)
            {
                _tokens = Math.Max(0, _tokens - 1);
                return true;
            }

            // Rounded up to whole milliseconds, so that retrying after it always finds a token.
            var wait = RatePeriod * ((1 - _tokens) / capacity);
            retryAfter = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
            return false;
        }
    }
}
