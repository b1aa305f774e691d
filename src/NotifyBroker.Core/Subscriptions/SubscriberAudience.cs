namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// Counts, per alias, the open subscriptions whose filter passes that alias's messages (those naming or holding
/// it, and those with no filter at all), so that a Send can report its recipients without walking every
/// subscription.
/// </summary>
internal sealed class SubscriberAudience
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, int> _byAlias = new(StringComparer.OrdinalIgnoreCase);
    private int _unfiltered;

    /// <summary>Count a subscription with <paramref name="filter"/> until the returned handle is disposed.</summary>
    public IDisposable Join(EventFilter filter)
    {
        Change(filter, +1);
        return new Membership(this, filter);
    }

    /// <summary>How many open subscriptions would receive a message sent to <paramref name="alias"/>.</summary>
    public int CountFor(string alias)
    {
        lock (_sync)
        {
            return _unfiltered + _byAlias.GetValueOrDefault(alias);
        }
    }

    private void Change(EventFilter filter, int delta)
    {
        lock (_sync)
        {
            if (filter.IsEmpty)
            {
                _unfiltered += delta;
                return;
            }

            foreach (var alias in filter.Aliases)
            {
                var count = _byAlias.GetValueOrDefault(alias) + delta;
                if (count == 0)
                {
                    _byAlias.Remove(alias);
                }
                else
                {
                    _byAlias[alias] = count;
                }
            }
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
