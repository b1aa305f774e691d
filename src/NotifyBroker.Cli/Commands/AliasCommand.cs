using System.CommandLine;
using System.Globalization;
using NotifyBroker.Cli.Output;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands;

/// <summary>`notify alias add|del|list`: NetMessageNameAdd / Del / Enum (NET NAME).</summary>
internal static class AliasCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var server = new Option<string>("--server")
        {
            Description = "servername: empty or this broker's own name (anything else is refused with 2351).",
            HelpName = "name",
            Recursive = true,
        };

        var command = new Command("alias", "Manage message aliases (NET NAME): add, del, list.") { server };
        command.Add(CreateAdd(globals, output, server));
        command.Add(CreateDelete(globals, output, server));
        command.Add(CreateList(globals, output, server));
        return command;
    }

    private static Command CreateAdd(GlobalOptions globals, CliOutput output, Option<string> server)
    {
        var name = new Argument<string>("name") { Description = "The alias to register." };
        var command = new Command("add", "Register a message alias (NetMessageNameAdd).") { name };
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new AddAliasRequest { Name = parseResult.GetRequiredValue(name), ServerName = parseResult.GetValue(server) ?? "" };
            var reply = await client.AddAliasAsync(request, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : $"Alias {request.Name} added.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDelete(GlobalOptions globals, CliOutput output, Option<string> server)
    {
        var name = new Argument<string>("name") { Description = "The alias to remove." };
        var command = new Command("del", "Remove a message alias that `alias add` registered (NetMessageNameDel).") { name };
        command.Aliases.Add("delete");
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new DeleteAliasRequest { Name = parseResult.GetRequiredValue(name), ServerName = parseResult.GetValue(server) ?? "" };
            var reply = await client.DeleteAliasAsync(request, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : $"Alias {request.Name} deleted.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateList(GlobalOptions globals, CliOutput output, Option<string> server)
    {
        var command = new Command("list", "List the aliases the broker knows, registered or held by subscriptions (NetMessageNameEnum).");
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new ListAliasesRequest { ServerName = parseResult.GetValue(server) ?? "" };
            var reply = await client.ListAliasesAsync(request, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : Table(reply)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Table(ListAliasesReply reply)
    {
        if (reply.Aliases.Count == 0)
        {
            return "There are no entries in the list.";
        }

        var width = Math.Max("Alias".Length, reply.Aliases.Max(static a => a.Name.Length)) + 2;
        var lines = new List<string>
        {
            "Alias".PadRight(width) + "Registered  Holders",
            new('-', width + "Registered  Holders".Length),
        };
        lines.AddRange(reply.Aliases.Select(a =>
            a.Name.PadRight(width) + (a.Registered ? "yes" : "no").PadRight("Registered  ".Length) + a.Holders.ToString(CultureInfo.InvariantCulture)));
        return string.Join(Environment.NewLine, lines);
    }
}
