using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace NotifyBroker.Windows.Listener;

/// <summary>
/// Waits (on the thread pool, no thread blocked) for a thread's handle to be signalled, which happens however the
/// thread ends: returning, an exception, or TerminateThread from another process, where no finally block runs.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class ThreadExitWatch : IDisposable
{
    private readonly ThreadHandle _handle;
    private readonly RegisteredWaitHandle _registration;

    private ThreadExitWatch(ThreadHandle handle, Action exited)
    {
        _handle = handle;
        _registration = ThreadPool.UnsafeRegisterWaitForSingleObject(
            handle,
            static (state, _) => ((Action)state!)(),
            exited,
            Timeout.Infinite,
            executeOnlyOnce: true);
    }

    /// <summary>Starts watching <paramref name="threadId"/>; null (logged) when its handle cannot be opened.</summary>
    public static ThreadExitWatch? TryStart(uint threadId, Action exited, Action<string> log)
    {
        nint raw = Interop.Kernel32.OpenThread(Interop.Kernel32.SYNCHRONIZE, bInheritHandle: false, threadId);
        if (raw == 0)
        {
            log($"OpenThread(SYNCHRONIZE) failed: error {Marshal.GetLastPInvokeError()}; a listener thread terminated from outside would go unnoticed.");
            return null;
        }

        var handle = new ThreadHandle(new SafeWaitHandle(raw, ownsHandle: true));
        return new ThreadExitWatch(handle, exited);
    }

    public void Dispose()
    {
        _registration.Unregister(null);
        _handle.Dispose();
    }

    private sealed class ThreadHandle : WaitHandle
    {
        public ThreadHandle(SafeWaitHandle handle)
        {
            SafeWaitHandle = handle;
        }
    }
}
