using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NtDll
    {
        /// <summary>
        /// Wine's ntdll exports <c>wine_get_version</c>; Windows' does not. Looked up by name rather than imported, so
        /// that asking never fails on Windows.
        /// </summary>
        internal static unsafe bool TryGetWineVersion(out string? version)
        {
            version = null;
            if (!NativeLibrary.TryLoad(Libraries.NtDll, out nint ntdll))
            {
                return false;
            }

            if (!NativeLibrary.TryGetExport(ntdll, "wine_get_version", out nint export))
            {
                return false;
            }

            // const char* wine_get_version(void): a static ASCII string.
            var getVersion = (delegate* unmanaged<byte*>)export;
            version = Marshal.PtrToStringAnsi((nint)getVersion());
            return true;
        }
    }
}
