using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>
/// RegisterWindowMessage's atom table: a name maps to an id in 0xC000-0xFFFF that stays the same for the table's
/// lifetime, names compare case-insensitively, and the first spelling registered is the one reported back.
/// </summary>
internal sealed class RegisteredMessageTable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, uint> _idsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<uint, string> _namesById = [];
    private uint _next = WindowMessages.RegisteredFirst;

    public uint Register(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > WindowMessages.MaxRegisteredNameLength)
        {
            throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER, "A registered message name must have 1 to 255 characters.");
        }

        lock (_sync)
        {
            if (_idsByName.TryGetValue(name, out var existing))
            {
                return existing;
            }

            if (_next > WindowMessages.RegisteredLast)
            {
                // The atom table is full: RegisterWindowMessage fails the way GlobalAddAtom does.
                throw new BrokerException(Win32Error.ERROR_NOT_ENOUGH_MEMORY, "No registered message ids are left.");
            }

            var id = _next++;
            _idsByName.Add(name, id);
            _namesById.Add(id, name);
            return id;
        }
    }

    public string? GetName(uint messageId)
    {
        lock (_sync)
        {
            return _namesById.GetValueOrDefault(messageId);
        }
    }
}
