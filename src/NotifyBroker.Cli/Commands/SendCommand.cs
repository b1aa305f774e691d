using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Cli.Output;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands;

/// <summary>`notify send &lt;alias&gt; &lt;text...&gt;`: NET SEND / NetMessageBufferSend.</summary>
internal static class SendCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var alias = new Argument<string>("alias") { Description = "The message alias (msgname) to send to; matched case-insensitively." };
        var text = new Argument<string[]>("text")
        {
            Description = "The message. Several words are joined with spaces, as NET SEND does.",
            Arity = ArgumentArity.OneOrMore,
        };
        var server = new Option<string>("--server") { Description = "servername: the broker of the fleet that delivers; empty = this one (a name outside the fleet is refused with 2351).", HelpName = "name" };
        var from = new Option<string>("--from") { Description = "fromname shown to recipients; empty means the key's own name (another name needs notify:from_name).", HelpName = "name" };
        var title = new Option<string>("--title") { Description = "Message box title (session path only).", HelpName = "text" };
        var style = ValueParsers.UInt32Option("--style", "MB_* message box style (session path only)");
        var timeout = ValueParsers.DurationOption("--timeout", "How long the session path waits for the user; 0 = do not wait");

        var command = new Command("send", "Send a text message to a message alias (NET SEND / msg.exe). Prints \"Message sent to <alias> (<n> recipients).\"")
        {
            alias, text, server, from, title, style, timeout,
        };

        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new SendRequest
            {
                MsgName = parseResult.GetRequiredValue(alias),
                Text = string.Join(' ', parseResult.GetRequiredValue(text)),
                ServerName = parseResult.GetValue(server) ?? "",
                FromName = parseResult.GetValue(from) ?? "",
                Title = parseResult.GetValue(title) ?? "",
                Style = parseResult.GetValue(style),
            };
            if (parseResult.GetValue(timeout) is { } wait)
            {
                request.Timeout = Duration.FromTimeSpan(wait);
            }

            var reply = await client.SendAsync(request, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : Describe(request.MsgName, reply)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Describe(string alias, SendReply reply)
    {
        var recipients = reply.Recipients == 1 ? "1 recipient" : reply.Recipients.ToString(CultureInfo.InvariantCulture) + " recipients";
        var via = reply.Path switch
        {
            SendPath.Messenger => ", via the Messenger service",
            SendPath.Session => $", via the user's session; answer {SessionResponseName(reply.Response)}",
            _ => "",
        };
        return $"Message sent to {alias} ({recipients}{via}).";
    }

    // WTSSendMessage's pResponse values (winuser.h IDOK.., wtsapi32.h IDTIMEOUT/IDASYNC).
    private static string SessionResponseName(uint response) => response switch
    {
        1 => "IDOK",
        2 => "IDCANCEL",
        3 => "IDABORT",
        4 => "IDRETRY",
        5 => "IDIGNORE",
        6 => "IDYES",
        7 => "IDNO",
        32000 => "IDTIMEOUT",
        32001 => "IDASYNC",
        _ => response.ToString(CultureInfo.InvariantCulture),
    };
}
