namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// Counts, per alias, the open subscriptions that would receive that alias's messages (those naming or holding it,
/// and those with no filter at all), each only where its visibility lets it see the alias's owner, so that a Send
/// can report its recipients without walking every subscription.
/// </summary>
/// <remarks>
/// The count is exact, not a census: <see cref="Join{T}"/> places a subscription's cursor and counts it in one step,
/// and <see cref="Publish"/> publishes an alias message and counts in one step, under the same lock. So every
/// subscription counted for a message had its cursor before it (and will deliver it unless it ends first), and every
/// one that opens meanwhile either is counted and receives it, or starts live after it and is not counted. A
/// subscription that later resumes from a position before the message receives it again as replay; it is a new stream
/// and was not counted.
/// </remarks>
internal sealed class SubscriberAudience
{
    /// <summary>The key of viewers who see every owner's alias messages.</summary>
    private const string AnyOwner = "";

    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<string, int>> _byAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _unfiltered = new(StringComparer.Ordinal);

    /// <summary>
    /// Open a subscription with <paramref name="open"/> (which places its cursor) and count it with
    /// <paramref name="filter"/> until the returned membership is disposed, as one step against <see cref="Publish"/>.
    /// </summary>
    public (T Opened, IDisposable Membership) Join<T>(EventFilter filter, Func<T> open)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(open);
        lock (_sync)
        {
            var opened = open();
            ChangeUnderLock(filter, +1);
            return (opened, new Membership(this, filter));
        }
    }

    /// <summary>
    /// Publish a message to <paramref name="alias"/>, owned by <paramref name="owner"/>, with <paramref name="publish"/>
    /// and count, as one step against <see cref="Join{T}"/>, the open subscriptions that will receive it.
    /// </summary>
    public (T Published, int Recipients) Publish<T>(string alias, string owner, Func<T> publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        lock (_sync)
        {
            var published = publish();
            return (published, CountUnderLock(alias, owner));
        }
    }

    /// <summary>How many open subscriptions would receive a message sent to <paramref name="alias"/>, owned by <paramref name="owner"/>.</summary>
    private int CountUnderLock(string alias, string owner)
    {
        var count = _unfiltered.GetValueOrDefault(AnyOwner) + (owner.Length > 0 ? _unfiltered.GetValueOrDefault(owner) : 0);
        if (_byAlias.TryGetValue(alias, out var viewers))
        {
            count += viewers.GetValueOrDefault(AnyOwner) + (owner.Length > 0 ? viewers.GetValueOrDefault(owner) : 0);
        }

        return count;
    }

    private void Change(EventFilter filter, int delta)
    {
        lock (_sync)
        {
            ChangeUnderLock(filter, delta);
        }
    }

    private void ChangeUnderLock(EventFilter filter, int delta)
    {
        var viewer = filter.Visibility.AliasOwner ?? AnyOwner;
        if (filter.IsEmpty)
        {
            Add(_unfiltered, viewer, delta);
            return;
        }

        foreach (var alias in filter.Aliases)
        {
            if (!_byAlias.TryGetValue(alias, out var viewers))
            {
                viewers = new Dictionary<string, int>(StringComparer.Ordinal);
                _byAlias[alias] = viewers;
            }

            Add(viewers, viewer, delta);
            if (viewers.Count == 0)
            {
                _byAlias.Remove(alias);
            }
        }
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var count = counts.GetValueOrDefault(key) + delta;
        if (count == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = count;
        }
    }

    private sealed class Membership(SubscriberAudience audience, EventFilter filter) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                audience.Change(filter, -1);
            }
        }
    }
}
