namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// Counts, per alias, the open subscriptions that would receive that alias's messages (those naming or holding it,
/// and those with no filter at all), each only where its visibility lets it see the alias's owner, so that a Send
/// can report its recipients without walking every subscription.
/// </summary>
internal sealed class SubscriberAudience
{
    /// <summary>The key of viewers who see every owner's alias messages.</summary>
    private const string AnyOwner = "";

    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<string, int>> _byAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _unfiltered = new(StringComparer.Ordinal);

    /// <summary>Count a subscription with <paramref name="filter"/> until the returned handle is disposed.</summary>
    public IDisposable Join(EventFilter filter)
    {
        Change(filter, +1);
        return new Membership(this, filter);
    }

    /// <summary>How many open subscriptions would receive a message sent to <paramref name="alias"/>, owned by <paramref name="owner"/>.</summary>
    public int CountFor(string alias, string owner)
    {
        lock (_sync)
        {
            var count = _unfiltered.GetValueOrDefault(AnyOwner) + (owner.Length > 0 ? _unfiltered.GetValueOrDefault(owner) : 0);
            if (_byAlias.TryGetValue(alias, out var viewers))
            {
                count += viewers.GetValueOrDefault(AnyOwner) + (owner.Length > 0 ? viewers.GetValueOrDefault(owner) : 0);
            }

            return count;
        }
    }

    private void Change(EventFilter filter, int delta)
    {
        var viewer = filter.Visibility.AliasOwner ?? AnyOwner;
        lock (_sync)
        {
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
