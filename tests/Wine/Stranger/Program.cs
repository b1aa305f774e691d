using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Stranger;

[assembly: SupportedOSPlatform("windows")]

// Each command prints one machine-readable line ("FOUND ...", "RESULT ...") and exits 0 when it ran, 1 when there
// was no listener window to aim at, 2 on bad usage.
//   find                                  the broker's listener window: hwnd, thread, process
//   post <msg> <wparam> <lparam>          PostMessageW to the window
//   send <msg> <wparam> <lparam>          SendMessageTimeoutW to the window (5 s, SMTO_ABORTIFHUNG)
//   postthread <msg> <wparam> <lparam>    PostThreadMessageW to the window's thread
//   control                               finds the "NotifyBroker.Control.*" atoms and sends and posts each to the window
//   terminate                             TerminateThread on the window's thread
if (args.Length == 0)
{
    return Usage();
}

nint hwnd = NativeMethods.FindWindow("NotifyBroker.Listener", null);
if (hwnd == 0)
{
    Console.WriteLine($"NOWINDOW error={Marshal.GetLastPInvokeError()}");
    return 1;
}

(uint threadId, uint processId) = Owner(hwnd);
return args[0] switch
{
    "find" => Print($"FOUND hwnd=0x{hwnd:X} thread={threadId} process={processId}"),
    "post" when args.Length >= 4 => Print(Post(hwnd, (uint)Number(args[1]), Number(args[2]), (long)Number(args[3]))),
    "send" when args.Length >= 4 => Print(Send(hwnd, (uint)Number(args[1]), Number(args[2]), (long)Number(args[3]))),
    "postthread" when args.Length >= 4 => Print(PostThread(threadId, (uint)Number(args[1]), Number(args[2]), (long)Number(args[3]))),
    "control" => Print(Control(hwnd)),
    "terminate" => Print(Terminate(threadId)),
    _ => Usage(),
};

static unsafe (uint ThreadId, uint ProcessId) Owner(nint hwnd)
{
    uint processId;
    uint threadId = NativeMethods.GetWindowThreadProcessId(hwnd, &processId);
    return (threadId, processId);
}

static string Post(nint hwnd, uint message, ulong wParam, long lParam)
{
    bool ok = NativeMethods.PostMessage(hwnd, message, (nuint)wParam, (nint)lParam);
    return $"RESULT posted={(ok ? 1 : 0)} error={(ok ? 0 : Marshal.GetLastPInvokeError())} msg=0x{message:X4}";
}

static unsafe string Send(nint hwnd, uint message, ulong wParam, long lParam)
{
    nuint answer = 0;
    nint sent = NativeMethods.SendMessageTimeout(hwnd, message, (nuint)wParam, (nint)lParam, NativeMethods.SMTO_ABORTIFHUNG, 5000, &answer);
    return $"RESULT sent={(sent != 0 ? 1 : 0)} error={(sent != 0 ? 0 : Marshal.GetLastPInvokeError())} answer={answer} msg=0x{message:X4}";
}

static string PostThread(uint threadId, uint message, ulong wParam, long lParam)
{
    bool ok = NativeMethods.PostThreadMessage(threadId, message, (nuint)wParam, (nint)lParam);
    return $"RESULT posted={(ok ? 1 : 0)} error={(ok ? 0 : Marshal.GetLastPInvokeError())} msg=0x{message:X4} thread={threadId}";
}

// What a determined local program does: read every registered message's name (they are atoms), pick the broker's
// control message, and use it. Sent and posted, with a few wParams.
static unsafe string Control(nint hwnd)
{
    var found = new List<uint>();
    char* buffer = stackalloc char[256];
    for (uint id = 0xC000; id <= 0xFFFF; id++)
    {
        int length = NativeMethods.GetClipboardFormatName(id, buffer, 256);
        if (length == 0)
        {
            length = (int)NativeMethods.GlobalGetAtomName((ushort)id, buffer, 256);
        }

        if (length > 0 && new string(buffer, 0, length).StartsWith("NotifyBroker.Control.", StringComparison.OrdinalIgnoreCase))
        {
            found.Add(id);
        }
    }

    int delivered = 0;
    foreach (uint id in found)
    {
        foreach (ulong wParam in new ulong[] { 0, 1, ulong.MaxValue })
        {
            nuint answer = 0;
            delivered += NativeMethods.SendMessageTimeout(hwnd, id, (nuint)wParam, 0, NativeMethods.SMTO_ABORTIFHUNG, 5000, &answer) != 0 ? 1 : 0;
            delivered += NativeMethods.PostMessage(hwnd, id, (nuint)wParam, 0) ? 1 : 0;
        }
    }

    return $"RESULT found={found.Count} delivered={delivered} ids={string.Join(',', found.Select(id => "0x" + id.ToString("X4", CultureInfo.InvariantCulture)))}";
}

static string Terminate(uint threadId)
{
    nint thread = NativeMethods.OpenThread(NativeMethods.THREAD_TERMINATE, false, threadId);
    if (thread == 0)
    {
        return $"RESULT terminated=0 error={Marshal.GetLastPInvokeError()} stage=OpenThread";
    }

    bool ok = NativeMethods.TerminateThread(thread, 1);
    int error = ok ? 0 : Marshal.GetLastPInvokeError();
    NativeMethods.CloseHandle(thread);
    return $"RESULT terminated={(ok ? 1 : 0)} error={error} thread={threadId}";
}

static int Print(string line)
{
    Console.WriteLine(line);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Stranger find | post|send|postthread <msg> <wparam> <lparam> | control | terminate");
    return 2;
}

static ulong Number(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
    ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
    : (ulong)long.Parse(text, CultureInfo.InvariantCulture);
