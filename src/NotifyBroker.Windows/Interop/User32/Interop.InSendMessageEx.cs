using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // How the message being processed arrived: posted (ISMEX_NOSEND), sent, send-notified or by callback.
        [LibraryImport(Libraries.User32, EntryPoint = "InSendMessageEx")]
        internal static partial uint InSendMessageEx(nint lpReserved);

        internal const uint ISMEX_NOSEND = 0x0;
        internal const uint ISMEX_SEND = 0x1;
        internal const uint ISMEX_NOTIFY = 0x2;
        internal const uint ISMEX_CALLBACK = 0x4;
        internal const uint ISMEX_REPLIED = 0x8;
    }
}
