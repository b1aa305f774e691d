using System.CommandLine;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Cli.Output;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Policy;

namespace NotifyBroker.Cli.Commands;

/// <summary>`notify broadcast &lt;message&gt;`: BroadcastSystemMessageEx.</summary>
internal static class BroadcastCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var message = new Argument<string>("message")
        {
            Description = "The message: a WM_ name (WM_SETTINGCHANGE, WM_COPYDATA, WM_APP+1, ...), a numeric id (decimal or 0x hex), " +
                          "or the name of a registered window message (RegisterWindowMessage).",
        };
        var flags = ValueParsers.BitsOption("--flags", BitNames.BroadcastFlags, "dwFlags");
        var recipients = ValueParsers.BitsOption("--recipients", BitNames.Recipients, "*lpInfo, the recipients; default BSM_ALLCOMPONENTS");
        var wparam = ValueParsers.UInt64Option("--wparam", "wParam");
        var lparam = ValueParsers.Int64Option("--lparam", "lParam as an integer (refused for messages whose lParam is a pointer)");
        var text = new Option<string>("--text") { Description = "A string payload, e.g. WM_SETTINGCHANGE's section name (\"Environment\").", HelpName = "text" };
        var copyDataHex = new Option<string>("--copydata-hex")
        {
            Description = "WM_COPYDATA's bytes (lpData) in hex, e.g. 48656C6C6F.",
            HelpName = "hex",
            Validators = { static result => ValidateHex(result) },
        };
        var copyDataData = ValueParsers.UInt64Option("--copydata-data", "WM_COPYDATA's dwData (with --copydata-hex)");
        var timeout = ValueParsers.DurationOption("--timeout", "Per-window wait of a synchronous send; default: the broker's");
        var server = new Option<string>("--server") { Description = "servername: the broker of the fleet whose desktop runs the broadcast; empty = this one.", HelpName = "name" };

        var command = new Command(
            "broadcast",
            "Broadcast a window message to top-level windows (BroadcastSystemMessageEx). Exit code 3 when the result is 0 (vetoed).")
        {
            message, flags, recipients, wparam, lparam, text, copyDataHex, copyDataData, timeout, server,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(text) is not null && result.GetResult(copyDataHex) is not null)
            {
                result.AddError("--text and --copydata-hex are two different payloads: give one of them.");
            }

            if (result.GetResult(copyDataData) is not null && result.GetResult(copyDataHex) is null)
            {
                result.AddError("--copydata-data needs --copydata-hex (use --copydata-hex \"\" for no bytes).");
            }
        });

        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new BroadcastRequest
            {
                Flags = parseResult.GetValue(flags),
                Recipients = parseResult.GetValue(recipients),
                Wparam = parseResult.GetValue(wparam),
                Lparam = parseResult.GetValue(lparam),
                ServerName = parseResult.GetValue(server) ?? "",
            };

            var messageText = parseResult.GetRequiredValue(message);
            if (MessageNames.TryParseId(messageText, out var id))
            {
                request.MessageId = id;
            }
            else
            {
                request.RegisteredName = messageText;
            }

            if (parseResult.GetValue(text) is { } payloadText)
            {
                request.Payload = new Payload { Text = payloadText };
            }
            else if (parseResult.GetValue(copyDataHex) is { } hex)
            {
                request.Payload = new Payload
                {
                    CopyData = new CopyData { Data = parseResult.GetValue(copyDataData), Bytes = ByteString.CopyFrom(Convert.FromHexString(CompactHex(hex))) },
                };
            }

            if (parseResult.GetValue(timeout) is { } wait)
            {
                request.Timeout = Duration.FromTimeSpan(wait);
            }

            var reply = await client.BroadcastAsync(request, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : Describe(request, reply)).ConfigureAwait(false);
            return reply.Result > 0 ? ExitCodes.Ok : ExitCodes.Vetoed;
        }));
        return command;
    }

    private static string Describe(BroadcastRequest request, BroadcastReply reply)
    {
        var name = EventText.MessageName(reply.MessageId, request.MessageCase == BroadcastRequest.MessageOneofCase.RegisteredName ? request.RegisteredName : "");
        var text = new StringBuilder();
        text.Append(reply.Result > 0 ? "Broadcast " : "Broadcast NOT completed: ").Append(name);
        if (reply.DeniedBy is { } denier)
        {
            text.Append(" denied by ").Append(denier.Name.Length > 0 ? denier.Name : "a window")
                .Append(" (hwnd ").Append(Numbers.Hex(denier.Hwnd)).Append(')');
        }
        else if (reply.Result <= 0)
        {
            text.Append(" (a recipient did not answer)");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  result:     {reply.Result}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  recipients: {BitNames.Recipients.Format(reply.Recipients)} ({Numbers.Hex(reply.Recipients)})").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  message id: {Numbers.MessageIdHex(reply.MessageId)} ({reply.MessageId})").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  delivered:  {reply.Delivered} {(reply.Delivered == 1 ? "window" : "windows")}");
        return text.ToString();
    }

    private static void ValidateHex(System.CommandLine.Parsing.OptionResult result)
    {
        var hex = CompactHex(result.GetValueOrDefault<string>() ?? "");
        if (hex.Length % 2 != 0 || !hex.All(Uri.IsHexDigit))
        {
            result.AddError($"--copydata-hex needs pairs of hex digits (e.g. 48656C6C6F), got '{result.GetValueOrDefault<string>()}'.");
        }
    }

    // "48 65 6c", "48:65:6c" and "0x48656c" are all accepted: people paste hex dumps.
    private static string CompactHex(string hex)
    {
        var compact = new string([.. hex.Where(static c => !char.IsWhiteSpace(c) && c is not ':' and not '-')]);
        return compact.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? compact[2..] : compact;
    }
}
