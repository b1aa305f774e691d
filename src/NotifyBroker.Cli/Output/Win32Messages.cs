using NotifyBroker.Core.Errors;

namespace NotifyBroker.Cli.Output;

/// <summary>
/// The system message texts (FormatMessage / NET HELPMSG) of the Win32 and NERR codes the broker reports, so that an
/// error reads like NET SEND's. The broker sends the code and its symbolic name; the text is looked up here because
/// it is the same on every machine. The codes are the core's (<see cref="Win32Error"/>).
/// </summary>
internal static class Win32Messages
{
    private static readonly Dictionary<int, string> Texts = new()
    {
        [Win32Error.ERROR_FILE_NOT_FOUND] = "The system cannot find the file specified.",
        [Win32Error.ERROR_ACCESS_DENIED] = "Access is denied.",
        [Win32Error.ERROR_NOT_ENOUGH_MEMORY] = "Not enough memory resources are available to process this command.",
        [Win32Error.ERROR_NOT_SUPPORTED] = "The request is not supported.",
        [Win32Error.ERROR_BAD_NETPATH] = "The network path was not found.",
        [Win32Error.ERROR_INVALID_PARAMETER] = "The parameter is incorrect.",
        [Win32Error.ERROR_CALL_NOT_IMPLEMENTED] = "This function is not supported on this system.",
        [Win32Error.ERROR_INVALID_NAME] = "The filename, directory name, or volume label syntax is incorrect.",
        [Win32Error.ERROR_MORE_DATA] = "More data is available.",
        [Win32Error.ERROR_MESSAGE_SYNC_ONLY] = "The message can be used only with synchronous operations.",
        [Win32Error.ERROR_PRIVILEGE_NOT_HELD] = "A required privilege is not held by the client.",
        [Win32Error.ERROR_INVALID_WINDOW_HANDLE] = "Invalid window handle.",
        [Win32Error.ERROR_CLASS_ALREADY_EXISTS] = "Class already exists.",
        [Win32Error.ERROR_TIMEOUT] = "This operation returned because the timeout period expired.",
        [Win32Error.RPC_S_SERVER_UNAVAILABLE] = "The RPC server is unavailable.",
        [Win32Error.NERR_NetworkError] = "A general network error occurred.",
        [Win32Error.NERR_NameNotFound] = "The message alias could not be found on the network.",
        [Win32Error.NERR_AlreadyExists] = "This message alias already exists locally.",
        [Win32Error.NERR_TooManyNames] = "The maximum number of added message aliases has been exceeded.",
        [Win32Error.NERR_NameInUse] = "The message alias is currently in use. Try again later.",
        [Win32Error.NERR_MsgNotStarted] = "The Messenger service has not been started.",
        [Win32Error.NERR_NotLocalName] = "The name is not on the local computer.",
        [Win32Error.NERR_DuplicateName] = "A duplicate message alias exists on the network.",
        [Win32Error.NERR_InvalidComputer] = "This computer name is invalid.",
    };

    /// <summary>The system text of <paramref name="code"/>, or null when this table does not know it.</summary>
    public static string? TextOf(int code) => Texts.GetValueOrDefault(code);
}
