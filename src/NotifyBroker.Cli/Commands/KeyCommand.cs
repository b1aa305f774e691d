using System.CommandLine;
using System.Globalization;
using NotifyBroker.Cli.Output;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands;

/// <summary>`notify key create|list|revoke`: the broker's API keys (notify.v1.Keys; needs an admin key).</summary>
internal static class KeyCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var command = new Command("key", "Manage the broker's API keys (needs an admin key): create, list, revoke.");
        command.Add(CreateCreate(globals, output));
        command.Add(CreateList(globals, output));
        command.Add(CreateRevoke(globals, output));
        return command;
    }

    private static Command CreateCreate(GlobalOptions globals, CliOutput output)
    {
        var name = new Option<string>("--name") { Description = "A name for people; also the from_name of the key's Sends.", Required = true, HelpName = "name" };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope to grant (repeat, or separate with commas): notify:send, notify:broadcast, notify:subscribe, notify:aliases, notify:from_name, notify:admin.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            HelpName = "scope",
        };
        var command = new Command("create", "Create a key and print its secret (shown once: the broker keeps only its hash).") { name, scopes };
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var request = new CreateKeyRequest { Name = parseResult.GetRequiredValue(name) };
            request.Scopes.AddRange(parseResult.GetRequiredValue(scopes).SelectMany(static s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            var reply = await client.CreateKeyAsync(request, ct).ConfigureAwait(false);
            if (parseResult.GetValue(globals.Json))
            {
                await output.Out.WriteLineAsync(JsonLines.Format(reply)).ConfigureAwait(false);
            }
            else
            {
                // The secret alone on stdout, so `KEY=$(notify key create ...)` works; the rest to stderr.
                await output.Out.WriteLineAsync(reply.Secret).ConfigureAwait(false);
                await output.Error.WriteLineAsync($"Key {reply.Key.Id} ({reply.Key.Name}: {string.Join(' ', reply.Key.Scopes)}) created. Store the secret now: it is not shown again.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateList(GlobalOptions globals, CliOutput output)
    {
        var command = new Command("list", "List the keys the broker accepts (never their secrets).");
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var reply = await client.ListKeysAsync(ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : Table(reply)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateRevoke(GlobalOptions globals, CliOutput output)
    {
        var id = new Argument<string>("id") { Description = "The key's id, as `notify key list` shows it." };
        var command = new Command("revoke", "Stop accepting a key, from the next call on.") { id };
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var keyId = parseResult.GetRequiredValue(id);
            var reply = await client.RevokeKeyAsync(keyId, ct).ConfigureAwait(false);
            await output.Out.WriteLineAsync(parseResult.GetValue(globals.Json) ? JsonLines.Format(reply) : $"Key {keyId} revoked.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Table(ListKeysReply reply)
    {
        if (reply.Keys.Count == 0)
        {
            return "There are no keys.";
        }

        var idWidth = Math.Max("Id".Length, reply.Keys.Max(static k => k.Id.Length)) + 2;
        var nameWidth = Math.Max("Name".Length, reply.Keys.Max(static k => k.Name.Length)) + 2;
        var lines = new List<string> { "Id".PadRight(idWidth) + "Name".PadRight(nameWidth) + "Source         Created               Scopes" };
        lines.Add(new string('-', lines[0].Length));
        lines.AddRange(reply.Keys.Select(k =>
            k.Id.PadRight(idWidth) + k.Name.PadRight(nameWidth) + k.Source.PadRight(15) +
            k.Created.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture).PadRight(22) + string.Join(' ', k.Scopes)));
        return string.Join(Environment.NewLine, lines);
    }
}
