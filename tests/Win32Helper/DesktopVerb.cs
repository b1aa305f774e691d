using System.Globalization;
using System.Threading.Channels;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows;

namespace Win32Helper;

/// <summary>
/// Hosts the broker's Win32 desktop without the gRPC host and drives it with one command per stdin line:
///   broadcast &lt;flags&gt; &lt;recipients&gt; &lt;name:Registered|id&gt; &lt;wparam&gt; &lt;lparam&gt;
///   settingchange &lt;flags&gt; &lt;area&gt;        WM_SETTINGCHANGE with a string payload
///   send &lt;msgname&gt; &lt;text...&gt;             SendToSessionAsync
///   name &lt;id&gt;                              GetRegisteredMessageName
///   quit                                   StopListeningAsync, then exit
/// Prints READY, then EVENT lines for what the listener window receives and one RESULT/SENT/NAME/ERROR line per
/// command.
/// </summary>
internal static class DesktopVerb
{
    public static int Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task<int> RunAsync()
    {
        var events = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        Task printer = Task.Run(async () =>
        {
            await foreach (string line in events.Reader.ReadAllAsync())
            {
                Console.WriteLine(line);
            }
        });

        await using IDesktop desktop = WindowsDesktopFactory.Create(new WindowsDesktopOptions(), log => Console.WriteLine("LOG " + log.ReplaceLineEndings(" ")));
        await desktop.StartListeningAsync(new PrintingSink(events.Writer, desktop), CancellationToken.None);
        Console.WriteLine($"READY host={WindowsDesktopFactory.DescribeHost().Replace(' ', '-')} capabilities={desktop.Capabilities}");

        string? line;
        while ((line = await Console.In.ReadLineAsync()) is not null)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            if (words[0] == "quit")
            {
                break;
            }

            try
            {
                Console.WriteLine(await ExecuteAsync(desktop, words));
            }
            catch (BrokerException e)
            {
                Console.WriteLine($"ERROR code={e.Code} name={e.SymbolicName} message={e.Message.ReplaceLineEndings(" ")}");
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                Console.WriteLine("BADCOMMAND " + e.Message);
            }
        }

        await desktop.StopListeningAsync(CancellationToken.None);
        events.Writer.TryComplete();
        await printer;
        Console.WriteLine("STOPPED");
        return 0;
    }

    private static async Task<string> ExecuteAsync(IDesktop desktop, string[] words)
    {
        switch (words[0])
        {
            case "broadcast":
            {
                uint id = words[3].StartsWith("name:", StringComparison.Ordinal) ? desktop.RegisterWindowMessage(words[3][5..]) : (uint)Number(words[3]);
                var command = new BroadcastCommand((uint)Number(words[1]), (uint)Number(words[2]), id, Number(words[4]), (long)Number(words[5]), null, TimeSpan.FromSeconds(5));
                return Describe(await desktop.BroadcastAsync(command, CancellationToken.None), id);
            }

            case "settingchange":
            {
                var command = new BroadcastCommand((uint)Number(words[1]), 0x8, 0x001A, 0, 0, new WindowMessagePayload.Text(words[2]), TimeSpan.FromSeconds(5));
                return Describe(await desktop.BroadcastAsync(command, CancellationToken.None), 0x001A);
            }

            case "send":
            {
                var message = new SessionMessage(words[1], "Win32Helper", string.Join(' ', words.Skip(2)), "NotifyBroker", 0, TimeSpan.Zero);
                SessionSendOutcome outcome = await desktop.SendToSessionAsync(message, CancellationToken.None);
                return $"SENT path={outcome.Path} recipients={outcome.Recipients} response={outcome.Response}";
            }

            case "name":
                return $"NAME {desktop.GetRegisteredMessageName((uint)Number(words[1])) ?? "<none>"}";

            default:
                return "BADCOMMAND " + words[0];
        }
    }

    private static string Describe(BroadcastOutcome outcome, uint id) =>
        $"RESULT result={outcome.Result} recipients={outcome.Recipients} delivered={outcome.Delivered} msg=0x{id:X4} " +
        $"denier={(outcome.DeniedBy is { } d ? $"0x{d.Hwnd:X}:{d.Name}" : "-")}";

    private static ulong Number(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : (ulong)long.Parse(text, CultureInfo.InvariantCulture);

    private sealed class PrintingSink(ChannelWriter<string> events, IDesktop desktop) : IWindowMessageSink
    {
        public void OnWindowMessage(in ReceivedWindowMessage message)
        {
            string payload = message.Payload switch
            {
                WindowMessagePayload.CopyData copy => $"copydata:{copy.Data}:{Convert.ToHexString(copy.Bytes.Span)}",
                WindowMessagePayload.Text text => "text:" + text.Value,
                _ => "-",
            };
            string name = message.MessageId >= 0xC000 ? desktop.GetRegisteredMessageName(message.MessageId) ?? "?" : "-";
            events.TryWrite(
                $"EVENT msg=0x{message.MessageId:X4} name={name} wparam={message.WParam} lparam={message.LParam} " +
                $"own={(message.FromBroadcastRpc ? 1 : 0)} flags=0x{message.BroadcastFlags:X} payload={payload}");
        }
    }
}
