using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using NotifyBroker.Cli.Commands;
using NotifyBroker.Cli.Commands.Subscribe;

namespace NotifyBroker.Cli;

/// <summary>
/// `notify`, the NET SEND / msg.exe of the gRPC world: send to aliases, broadcast window messages, tail the broker,
/// manage aliases. <see cref="RunAsync"/> is the whole program; Program.cs only wires the console and Ctrl+C to it,
/// so tests run it in-process.
/// </summary>
public static class NotifyCli
{
    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. Results go to <paramref name="stdout"/>, diagnostics and
    /// errors to <paramref name="stderr"/>; <paramref name="cancellationToken"/> is Ctrl+C. Returns an <see cref="ExitCodes"/> value.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var root = CreateRootCommand(new CliOutput(stdout, stderr));

        // Message texts may start with '@' ("@all lunch is here"): no response files.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction)
        {
            return await WriteUsageErrorsAsync(parseResult, stderr).ConfigureAwait(false);
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Program.cs turns Ctrl+C into cancellationToken; no second handler here.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One line per mistake and a pointer to the help, instead of the whole help page.</summary>
    private static async Task<int> WriteUsageErrorsAsync(ParseResult parseResult, TextWriter stderr)
    {
        foreach (var error in parseResult.Errors)
        {
            await stderr.WriteLineAsync("notify: " + error.Message).ConfigureAwait(false);
        }

        // The root's own name is the host process's (e.g. a test runner's): always say "notify".
        var path = new Stack<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult { Parent: not null } command; result = command.Parent)
        {
            path.Push(command.Command.Name);
        }

        path.Push("notify");
        await stderr.WriteLineAsync($"Run '{string.Join(' ', path)} --help' for usage.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    private static RootCommand CreateRootCommand(CliOutput output)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand(
            "notify: send messages to aliases (NET SEND), broadcast window messages (BroadcastSystemMessageEx) and tail a " +
            "NotifyBroker over gRPC.\n\n" + ExitCodes.HelpText);
        globals.AddTo(root);
        root.Add(SendCommand.Create(globals, output));
        root.Add(BroadcastCommand.Create(globals, output));
        root.Add(SubscribeCommand.Create(globals, output));
        root.Add(AliasCommand.Create(globals, output));
        root.Add(ServersCommand.Create(globals, output));
        root.Add(KeyCommand.Create(globals, output));
        return root;
    }
}
