namespace NotifyBroker.Core.Errors;

/// <summary>
/// The Win32 and NERR codes the broker speaks (winerror.h, lmerr.h). The core and every desktop report failures
/// with these, whatever platform they run on, so that clients see one vocabulary.
/// </summary>
public static class Win32Error
{
    public const int ERROR_SUCCESS = 0;
    public const int ERROR_FILE_NOT_FOUND = 2;
    public const int ERROR_NOT_READY = 21;
    public const int ERROR_GEN_FAILURE = 31;
    public const int ERROR_ACCESS_DENIED = 5;
    public const int ERROR_NOT_ENOUGH_MEMORY = 8;
    public const int ERROR_NOT_SUPPORTED = 50;
    public const int ERROR_BAD_NETPATH = 53;
    public const int ERROR_INVALID_PARAMETER = 87;
    public const int ERROR_CALL_NOT_IMPLEMENTED = 120;
    public const int ERROR_INVALID_NAME = 123;
    public const int ERROR_MORE_DATA = 234;
    public const int ERROR_MESSAGE_SYNC_ONLY = 1159;
    public const int ERROR_NOT_ENOUGH_QUOTA = 1816;
    public const int ERROR_PRIVILEGE_NOT_HELD = 1314;
    public const int ERROR_INVALID_WINDOW_HANDLE = 1400;
    public const int ERROR_CLASS_ALREADY_EXISTS = 1410;
    public const int ERROR_TIMEOUT = 1460;
    public const int RPC_S_SERVER_UNAVAILABLE = 1722;
    public const int NERR_NetworkError = 2136;
    public const int NERR_MsgInitFailed = 2272;
    public const int NERR_NameNotFound = 2273;
    public const int NERR_AlreadyExists = 2276;
    public const int NERR_TooManyNames = 2277;
    public const int NERR_NameInUse = 2283;
    public const int NERR_MsgNotStarted = 2284;
    public const int NERR_NotLocalName = 2285;
    public const int NERR_DuplicateName = 2297;
    public const int NERR_InvalidComputer = 2351;

    private static readonly Dictionary<int, string> Names = typeof(Win32Error)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(int))
        .GroupBy(f => (int)f.GetRawConstantValue()!)
        .ToDictionary(g => g.Key, g => g.First().Name);

    /// <summary>The symbolic name of a code ("NERR_NameNotFound"), or "WIN32_&lt;code&gt;" for one we don't name.</summary>
    public static string NameOf(int code) =>
        Names.TryGetValue(code, out var name) ? name : "WIN32_" + code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
