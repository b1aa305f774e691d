using System.Globalization;
using System.Runtime.Versioning;
using Win32Helper;

[assembly: SupportedOSPlatform("windows")]

// Every command prints machine-readable lines ("READY ...", "GOT ...", "RESULT ...") and exits 0 when it ran, 2 on
// bad usage, 1 when the Win32 call it exists for failed.
return args.Length == 0 ? Usage() : args[0] switch
{
    "listen" when args.Length >= 2 => ListenVerb.Run(args[1], deny: args.Contains("--deny"), hang: args.Contains("--hang")),
    "broadcast" when args.Length >= 4 => BroadcastVerb.Run(args[1], Parse(args[2]), Parse(args[3]), FlagsOption(args)),
    "copydata" when args.Length >= 3 => CopyDataVerb.Run(args[1], Parse(args[2])),
    "desktop" => DesktopVerb.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Win32Helper listen <registered-name> [--deny] [--hang]
                                                                   hidden top-level window; prints GOT lines; 'quit' on stdin ends it;
                                                                   --hang blocks in the window procedure on the message until 'release'
               Win32Helper broadcast <registered-name> <wparam> <lparam> [--flags 0x10]
               Win32Helper copydata <hex-bytes> <dwData>           WM_COPYDATA to the broker's listener window
               Win32Helper desktop                                 hosts the broker's Win32 desktop; commands on stdin
        """);
    return 2;
}

static ulong Parse(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
    ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
    : (ulong)long.Parse(text, CultureInfo.InvariantCulture);

static uint FlagsOption(string[] args)
{
    int index = Array.IndexOf(args, "--flags");
    return index >= 0 && index + 1 < args.Length ? (uint)Parse(args[index + 1]) : NativeMethods.BSF_POSTMESSAGE;
}
