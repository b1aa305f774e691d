namespace NotifyBroker.Core.Errors;

/// <summary>
/// A failure with the meaning of a Win32/NERR code. Transports map <see cref="Code"/> to their own status (the gRPC
/// host maps NERR_NameNotFound to NOT_FOUND, ERROR_INVALID_PARAMETER to INVALID_ARGUMENT, and so on).
/// </summary>
public sealed class BrokerException : Exception
{
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
}
