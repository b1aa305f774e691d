using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// The servername rule of the NetMessage* functions: empty, or this broker's own name, means "here". Anything else
/// is refused with NERR_InvalidComputer (2351) rather than ERROR_BAD_NETPATH (53): the broker does not try to reach
/// other servers at all, so the name is invalid for this call, not a path that failed. (When brokers share an
/// engine, routing to other servernames will replace this refusal.)
/// </summary>
internal sealed class LocalServerName
{
    private readonly string _brokerName;

    public LocalServerName(string brokerName)
    {
        _brokerName = brokerName;
    }

    public void Ensure(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return;
        }

        // Callers of the Net* APIs customarily write servers as UNC names ("\\HOST").
        var name = serverName.StartsWith(@"\\", StringComparison.Ordinal) ? serverName[2..] : serverName;
        if (!string.Equals(name, _brokerName, StringComparison.OrdinalIgnoreCase))
        {
            throw new BrokerException(Win32Error.NERR_InvalidComputer, $"'{serverName}' is not this broker ('{_brokerName}').");
        }
    }
}
