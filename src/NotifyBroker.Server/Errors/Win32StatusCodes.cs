using NotifyBroker.Core.Errors;
using Grpc.Core;

namespace NotifyBroker.Server.Errors;

/// <summary>
/// The one place where a Win32/NERR code becomes a gRPC status code. Each code goes to the status whose meaning a
/// client would act on the same way: "no such name" is NOT_FOUND, "server not reachable" is UNAVAILABLE (worth a
/// retry), a refused argument is INVALID_ARGUMENT (never worth a retry), and so on. Codes without a mapping are
/// UNKNOWN; the code itself always travels in the status details.
/// </summary>
internal static class Win32StatusCodes
{
    public static StatusCode ToStatusCode(int win32Code) => win32Code switch
    {
        Win32Error.NERR_NameNotFound or Win32Error.ERROR_FILE_NOT_FOUND => StatusCode.NotFound,

        Win32Error.ERROR_ACCESS_DENIED or Win32Error.ERROR_PRIVILEGE_NOT_HELD => StatusCode.PermissionDenied,

        Win32Error.ERROR_INVALID_PARAMETER or Win32Error.ERROR_INVALID_NAME or Win32Error.NERR_InvalidComputer or
        Win32Error.NERR_NotLocalName or Win32Error.ERROR_MESSAGE_SYNC_ONLY => StatusCode.InvalidArgument,

        Win32Error.ERROR_NOT_SUPPORTED or Win32Error.ERROR_CALL_NOT_IMPLEMENTED => StatusCode.Unimplemented,

        Win32Error.NERR_NetworkError or Win32Error.RPC_S_SERVER_UNAVAILABLE or Win32Error.ERROR_BAD_NETPATH or
        Win32Error.NERR_MsgNotStarted or Win32Error.NERR_MsgInitFailed or Win32Error.ERROR_NOT_READY => StatusCode.Unavailable,

        Win32Error.NERR_AlreadyExists or Win32Error.NERR_NameInUse or Win32Error.NERR_DuplicateName or
        Win32Error.ERROR_CLASS_ALREADY_EXISTS => StatusCode.AlreadyExists,

        Win32Error.ERROR_TIMEOUT => StatusCode.DeadlineExceeded,

        Win32Error.NERR_TooManyNames or Win32Error.ERROR_NOT_ENOUGH_MEMORY or Win32Error.ERROR_NOT_ENOUGH_QUOTA => StatusCode.ResourceExhausted,

        Win32Error.ERROR_INVALID_WINDOW_HANDLE or Win32Error.ERROR_MORE_DATA => StatusCode.Internal,

        _ => StatusCode.Unknown,
    };
}
