namespace NotifyBroker.Core.Errors;

/// <summary>
/// A failure with the meaning of a Win32/NERR code. Transports map <see cref="Code"/> to their own status (the gRPC
/// host maps NERR_NameNotFound to NOT_FOUND, ERROR_INVALID_PARAMETER to INVALID_ARGUMENT, and so on), and pass
/// <see cref="Details"/> and <see cref="RetryAfter"/> on to the client.
/// </summary>
public sealed class BrokerException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoDetails = new Dictionary<string, string>();

    public BrokerException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public BrokerException(int code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    public BrokerException()
        : this(Win32Error.ERROR_INVALID_PARAMETER, "The parameter is incorrect.")
    {
    }

    public BrokerException(string message)
        : this(Win32Error.ERROR_INVALID_PARAMETER, message)
    {
    }

    public BrokerException(string message, Exception innerException)
        : this(Win32Error.ERROR_INVALID_PARAMETER, message, innerException)
    {
    }

    /// <summary>The Win32 or NERR code.</summary>
    public int Code { get; }

    /// <summary>The code's symbolic name, e.g. "NERR_NameNotFound".</summary>
    public string SymbolicName => Win32Error.NameOf(Code);

    /// <summary>Facts a client can act on, e.g. "scope" = "notify:admin" or "rule" = "always_refused".</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = NoDetails;

    /// <summary>When a limit refused the call: how long until the same call may succeed.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>ERROR_ACCESS_DENIED: the caller lacks <paramref name="scope"/>.</summary>
    public static BrokerException MissingScope(string scope, string message) =>
        new(Win32Error.ERROR_ACCESS_DENIED, message) { Details = new Dictionary<string, string> { ["scope"] = scope } };

    /// <summary>ERROR_ACCESS_DENIED by a named rule (e.g. "always_refused", "alias_owner").</summary>
    public static BrokerException Denied(string rule, string message, IReadOnlyDictionary<string, string>? more = null)
    {
        var details = new Dictionary<string, string> { ["rule"] = rule };
        foreach (var (key, value) in more ?? NoDetails)
        {
            details[key] = value;
        }

        return new BrokerException(Win32Error.ERROR_ACCESS_DENIED, message) { Details = details };
    }

    /// <summary>ERROR_NOT_ENOUGH_QUOTA: a per-identity limit; retry after <paramref name="retryAfter"/> when one is known.</summary>
    public static BrokerException OverLimit(string limit, string message, TimeSpan? retryAfter = null) =>
        new(Win32Error.ERROR_NOT_ENOUGH_QUOTA, message) { Details = new Dictionary<string, string> { ["limit"] = limit }, RetryAfter = retryAfter };
}
