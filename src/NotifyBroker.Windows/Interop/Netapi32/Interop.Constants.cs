internal static partial class Interop
{
    internal static partial class Netapi32
    {
        internal const uint NERR_Success = 0;
    }
}
