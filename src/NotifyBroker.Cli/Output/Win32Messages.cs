namespace NotifyBroker.Cli.Output;

/// <summary>
/// The system message texts (FormatMessage / NET HELPMSG) of the Win32 and NERR codes the broker reports, so that an
/// error reads like NET SEND's. The broker sends the code and its symbolic name; the text is looked up here because
/// it is the same on every machine.
/// </summary>
internal static class Win32Messages
{
    private static readonly Dictionary<int, string> Texts = new()
    {
        [2] = "The system cannot find the file specified.",
        [5] = "Access is denied.",
        [8] = "Not enough memory resources are available to process this command.",
        [50] = "The request is not supported.",
        [53] = "The network path was not found.",
        [87] = "The parameter is incorrect.",
        [120] = "This function is not supported on this system.",
        [123] = "The filename, directory name, or volume label syntax is incorrect.",
        [234] = "More data is available.",
        [1159] = "The message can be used only with synchronous operations.",
        [1314] = "A required privilege is not held by the client.",
        [1400] = "Invalid window handle.",
        [1410] = "Class already exists.",
        [1460] = "This operation returned because the timeout period expired.",
        [1722] = "The RPC server is unavailable.",
        [2136] = "A general network error occurred.",
        [2273] = "The message alias could not be found on the network.",
        [2276] = "This message alias already exists locally.",
        [2277] = "The maximum number of added message aliases has been exceeded.",
        [2283] = "The message alias is currently in use. Try again later.",
        [2284] = "The Messenger service has not been started.",
        [2285] = "The name is not on the local computer.",
        [2297] = "A duplicate message alias exists on the network.",
        [2351] = "This computer name is invalid.",
    };

    /// <summary>The system text of <paramref name="code"/>, or null when this table does not know it.</summary>
    public static string? TextOf(int code) => Texts.GetValueOrDefault(code);
}
