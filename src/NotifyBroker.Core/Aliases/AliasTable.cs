using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Aliases;

/// <summary>
/// The broker's message name table, with NetMessageNameAdd/Del/Enum semantics: names compare case-insensitively;
/// an alias exists while it is registered (Add until Del) or held by at least one subscription (a lease).
/// </summary>
internal sealed class AliasTable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxNames;

    public AliasTable(int maxNames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNames, 1);
        _maxNames = maxNames;
    }

    /// <summary>NetMessageNameAdd.</summary>
    public void Add(string name)
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

                entry.Registered = true;
                return;
            }

            EnsureRoomFor(1);
            _entries.Add(name, new Entry(name) { Registered = true });
        }
    }

    /// <summary>NetMessageNameDel: only a registered alias can be deleted; holders keep it alive.</summary>
    public void Delete(string name)
    {
        AliasName.Validate(name);
        lock (_sync)
        {
            if (!_entries.TryGetValue(name, out var entry) || !entry.Registered)
            {
                throw new BrokerException(Win32Error.NERR_NameNotFound, $"The alias '{name}' is not registered.");
            }

            entry.Registered = false;
            RemoveIfUnused(entry);
        }
    }

    /// <summary>NetMessageNameEnum, ordered by name.</summary>
    public IReadOnlyList<AliasEntry> List()
    {
        lock (_sync)
        {
            return [.. _entries.Values
                .Select(static e => new AliasEntry(e.Name, e.Registered, e.Holders))
                .OrderBy(static e => e.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>True when a Send to <paramref name="name"/> has somewhere to go inside the broker.</summary>
    public bool Exists(string name)
    {
        lock (_sync)
        {
            return _entries.ContainsKey(name);
        }
    }

    /// <summary>Hold every name until the lease is disposed. All or nothing.</summary>
    public IDisposable Hold(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return NoLease.Instance;
        }

        var distinct = names.Select(static n => AliasName.Validate(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        lock (_sync)
        {
            EnsureRoomFor(distinct.Count(n => !_entries.ContainsKey(n)));
            foreach (var name in distinct)
            {
                if (!_entries.TryGetValue(name, out var entry))
                {
                    entry = new Entry(name);
                    _entries.Add(name, entry);
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

    private void EnsureRoomFor(int newNames)
    {
        if (_entries.Count + newNames > _maxNames)
        {
            throw new BrokerException(Win32Error.NERR_TooManyNames, $"The message name table is full ({_maxNames} names).");
        }
    }

    private void RemoveIfUnused(Entry entry)
    {
        if (!entry.Registered && entry.Holders == 0)
        {
            _entries.Remove(entry.Name);
        }
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

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
