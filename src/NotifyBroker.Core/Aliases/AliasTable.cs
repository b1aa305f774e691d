using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Core.Aliases;

/// <summary>
/// The broker's message name table, with NetMessageNameAdd/Del/Enum semantics: names compare case-insensitively;
/// an alias exists while it is registered (Add until Del) or held by at least one subscription (a lease). Every
/// alias has an owner, the identity that added or first held it: only the owner, or an admin, may delete, hold or
/// filter on it, and each identity owns at most a bounded number of aliases.
/// </summary>
internal sealed class AliasTable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _ownedBy = new(StringComparer.Ordinal);
    private readonly int _maxNames;
    private readonly int _maxPerIdentity;

    public AliasTable(int maxNames, int maxPerIdentity = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerIdentity, 1);
        _maxNames = maxNames;
        _maxPerIdentity = maxPerIdentity;
    }

    /// <summary>NetMessageNameAdd.</summary>
    public void Add(string name, Caller caller)
    {
        AliasName.Validate(name);
        lock (_sync)
        {
            if (_entries.TryGetValue(name, out var entry))
            {
                if (entry.Registered)
                {
                    throw new BrokerException(Win32Error.NERR_AlreadyExists, $"The alias '{name}' is already registered.");
                }

                EnsureMayUse(entry, caller);
                entry.Registered = true;
                return;
            }

            EnsureRoomFor(caller, 1);
            Create(name, caller).Registered = true;
        }
    }

    /// <summary>NetMessageNameDel: only a registered alias can be deleted, by its owner or an admin; holders keep it alive.</summary>
    public void Delete(string name, Caller caller)
    {
        AliasName.Validate(name);
        lock (_sync)
        {
            if (!_entries.TryGetValue(name, out var entry) || !entry.Registered)
            {
                throw new BrokerException(Win32Error.NERR_NameNotFound, $"The alias '{name}' is not registered.");
            }

            EnsureMayUse(entry, caller);
            entry.Registered = false;
            RemoveIfUnused(entry);
        }
    }

    /// <summary>NetMessageNameEnum, ordered by name: every alias for an admin, the caller's own for anyone else.</summary>
    public IReadOnlyList<AliasEntry> List(Caller caller)
    {
        lock (_sync)
        {
            return [.. _entries.Values
                .Where(e => caller.IsAdmin || e.Owner == caller.Id)
                .Select(static e => new AliasEntry(e.Name, e.Registered, e.Holders, e.Owner))
                .OrderBy(static e => e.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>The owner of <paramref name="name"/> when a Send to it has somewhere to go inside the broker; null otherwise.</summary>
    public string? OwnerOf(string name)
    {
        lock (_sync)
        {
            return _entries.TryGetValue(name, out var entry) ? entry.Owner : null;
        }
    }

    /// <summary>Refuse a filter on aliases another identity owns (names nobody owns yet may be filtered).</summary>
    public void EnsureMayFilter(IReadOnlyList<string> names, Caller caller)
    {
        if (caller.IsAdmin || names.Count == 0)
        {
            return;
        }

        lock (_sync)
        {
            foreach (var name in names)
            {
                if (_entries.TryGetValue(name, out var entry))
                {
                    EnsureMayUse(entry, caller);
                }
            }
        }
    }

    /// <summary>Hold every name until the lease is disposed. All or nothing.</summary>
    public IDisposable Hold(IReadOnlyList<string> names, Caller caller)
    {
        if (names.Count == 0)
        {
            return NoLease.Instance;
        }

        var distinct = names.Select(static n => AliasName.Validate(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        lock (_sync)
        {
            var fresh = 0;
            foreach (var name in distinct)
            {
                if (_entries.TryGetValue(name, out var existing))
                {
                    EnsureMayUse(existing, caller);
                }
                else
                {
                    fresh++;
                }
            }

            EnsureRoomFor(caller, fresh);
            foreach (var name in distinct)
            {
                if (!_entries.TryGetValue(name, out var entry))
                {
                    entry = Create(name, caller);
                }

                entry.Holders++;
            }
        }

        return new Lease(this, distinct);
    }

    private void Release(string[] names)
    {
        lock (_sync)
        {
            foreach (var name in names)
            {
                if (_entries.TryGetValue(name, out var entry))
                {
                    entry.Holders--;
                    RemoveIfUnused(entry);
                }
            }
        }
    }

    private static void EnsureMayUse(Entry entry, Caller caller)
    {
        if (!caller.IsAdmin && entry.Owner != caller.Id)
        {
            throw BrokerException.Denied("alias_owner", $"The alias '{entry.Name}' belongs to another identity.", new Dictionary<string, string> { ["alias"] = entry.Name });
        }
    }

    private void EnsureRoomFor(Caller caller, int newNames)
    {
        if (newNames == 0)
        {
            return;
        }

        if (_entries.Count + newNames > _maxNames)
        {
            throw new BrokerException(Win32Error.NERR_TooManyNames, $"The message name table is full ({_maxNames} names).");
        }

        if (!caller.IsAdmin && _ownedBy.GetValueOrDefault(caller.Id) + newNames > _maxPerIdentity)
        {
            throw BrokerException.OverLimit("aliases_per_identity", $"This identity already owns as many aliases as it may ({_maxPerIdentity}).");
        }
    }

    private Entry Create(string name, Caller caller)
    {
        var entry = new Entry(name, caller.Id);
        _entries.Add(name, entry);
        _ownedBy[caller.Id] = _ownedBy.GetValueOrDefault(caller.Id) + 1;
        return entry;
    }

    private void RemoveIfUnused(Entry entry)
    {
        if (!entry.Registered && entry.Holders == 0)
        {
            _entries.Remove(entry.Name);
            var owned = _ownedBy.GetValueOrDefault(entry.Owner) - 1;
            if (owned <= 0)
            {
                _ownedBy.Remove(entry.Owner);
            }
            else
            {
                _ownedBy[entry.Owner] = owned;
            }
        }
    }

    private sealed class Entry(string name, string owner)
    {
        public string Name { get; } = name;

        public string Owner { get; } = owner;

        public bool Registered { get; set; }

        public int Holders { get; set; }
    }

    private sealed class Lease(AliasTable table, string[] names) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                table.Release(names);
            }
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
