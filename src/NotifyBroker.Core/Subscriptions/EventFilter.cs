using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// Which events a subscription wants: an event passes when it matches any entry; a filter with no entries passes
/// everything. Window messages match by id, id range or registered name; alias messages match by alias. Names
/// compare case-insensitively, as Win32 atoms and message aliases do. Before any entry, the subscriber's
/// <see cref="EventVisibility"/> decides what it may see at all.
/// </summary>
/// <remarks>
/// Entries live in small arrays scanned linearly: filters are short (the broker caps them), a scan of a few
/// entries beats hashing, and an idle subscription stays small.
/// </remarks>
public sealed class EventFilter
{
    private readonly uint[] _messageIds;
    private readonly MessageRange[] _ranges;
    private readonly string[] _registeredNames;
    private readonly string[] _aliases;

    public EventFilter(
        IEnumerable<uint>? messageIds = null,
        IEnumerable<MessageRange>? ranges = null,
        IEnumerable<string>? registeredNames = null,
        IEnumerable<string>? aliases = null,
        EventVisibility? visibility = null)
    {
        Visibility = visibility ?? EventVisibility.Everything;
        _messageIds = messageIds?.Distinct().ToArray() ?? [];
        _ranges = ranges?.ToArray() ?? [];
        _registeredNames = registeredNames?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() ?? [];
        _aliases = aliases?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() ?? [];
    }

    /// <summary>The filter that passes every event.</summary>
    public static EventFilter All { get; } = new();

    /// <summary>What the subscriber may see at all.</summary>
    public EventVisibility Visibility { get; }

    /// <summary>True when the filter has no entries and so passes everything its <see cref="Visibility"/> allows.</summary>
    public bool IsEmpty => _messageIds.Length == 0 && _ranges.Length == 0 && _registeredNames.Length == 0 && _aliases.Length == 0;

    /// <summary>The aliases the filter names (distinct, case-insensitively).</summary>
    public IReadOnlyList<string> Aliases => _aliases;

    public bool Matches(EventBody body)
    {
        if (!Visibility.Sees(body))
        {
            return false;
        }

        if (IsEmpty)
        {
            return true;
        }

        return body switch
        {
            WindowMessageBody message => MatchesWindowMessage(message),
            AliasMessageBody alias => Contains(_aliases, alias.Alias),
            _ => false,
        };
    }

    private bool MatchesWindowMessage(WindowMessageBody message)
    {
        if (Array.IndexOf(_messageIds, message.MessageId) >= 0)
        {
            return true;
        }

        foreach (var range in _ranges)
        {
            if (range.Contains(message.MessageId))
            {
                return true;
            }
        }

        return message.RegisteredName is { } name && Contains(_registeredNames, name);
    }

    private static bool Contains(string[] names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
