using System.Globalization;

namespace NotifyBroker.Interop.TestHost;

/// <summary>
/// The host's command line: <c>--port N</c> (0 or absent = a free port), <c>--use_tls false</c> (the interop servers'
/// flag; only plaintext is supported), <c>--exit-on-stdin-close</c>. Both "--name value" and "--name=value" work, as
/// the interop scripts use either.
/// </summary>
internal sealed record HostCommandLine(int Port, bool ExitOnStdinClose)
{
    public const string Usage = "usage: NotifyBroker.Interop.TestHost [--port N] [--use_tls false] [--exit-on-stdin-close]";

    /// <summary>The parsed options, or null with <paramref name="error"/> set.</summary>
    public static HostCommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        var port = 0;
        var exitOnStdinClose = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            switch (name)
            {
                case "--port":
                    var portText = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        error = $"--port needs a number from 0 to 65535, not '{portText}'.";
                        return null;
                    }

                    break;

                case "--use_tls":
                    var tls = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (!string.Equals(tls, "false", StringComparison.OrdinalIgnoreCase))
                    {
                        error = "Only --use_tls false is supported: the host serves h2c (HTTP/2 without TLS).";
                        return null;
                    }

                    break;

                case "--exit-on-stdin-close" when inlineValue is null:
                    exitOnStdinClose = true;
                    break;

                default:
                    error = $"Unknown argument '{args[i]}'.";
                    return null;
            }
        }

        error = null;
        return new HostCommandLine(port, exitOnStdinClose);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }
}
