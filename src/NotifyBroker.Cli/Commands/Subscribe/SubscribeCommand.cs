using System.CommandLine;
using System.CommandLine.Parsing;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Policy;

namespace NotifyBroker.Cli.Commands.Subscribe;

/// <summary>`notify subscribe`: a live, resumable tail of window messages and alias messages.</summary>
internal static class SubscribeCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var messages = new Option<string[]>("--message", "-m")
        {
            Description = "Only this message: a WM_ name, a numeric id or a registered message name. Repeatable.",
            HelpName = "name|id",
        };
        var ranges = new Option<MessageRange[]>("--range")
        {
            Description = "Only message ids in A-B (inclusive; numbers or WM_ names, e.g. 0xC000-0xFFFF). Repeatable.",
            HelpName = "A-B",
            CustomParser = static result => [.. result.Tokens.Select(token => ParseRange(token.Value, result)).OfType<MessageRange>()],
        };
        var aliases = new Option<string[]>("--alias") { Description = "Only messages sent to this alias. Repeatable.", HelpName = "name" };
        var holds = new Option<string[]>("--hold")
        {
            Description = "Hold this alias while the tail runs: it exists, and sends to it arrive here. Repeatable.",
            HelpName = "alias",
        };
        var after = ValueParsers.PositionOption("--after", "Resume after this position (" + Positions.Syntax + "), without a gap if history still holds it.");
        var since = ValueParsers.SinceOption("--since", "Replay what history holds since then: " + Times.Syntax + ".");
        var keepalive = ValueParsers.DurationOption("--keepalive", "Ask for a keepalive this often when nothing happens; default: the broker's");
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show keepalives too." };

        var command = new Command(
            "subscribe",
            "Tail the broker live: one line per window message or alias message. Resumes by itself across reconnects; " +
            "Ctrl+C prints the last position for --after.")
        {
            messages, ranges, aliases, holds, after, since, keepalive, verbose,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(after) is not null && result.GetResult(since) is not null)
            {
                result.AddError("--after and --since are two different starts: give one of them.");
            }
        });

        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, (client, ct) =>
        {
            var request = new SubscribeRequest();
            foreach (var message in parseResult.GetValue(messages) ?? [])
            {
                if (MessageNames.TryParseId(message, out var id))
                {
                    request.MessageIds.Add(id);
                }
                else
                {
                    request.RegisteredNames.Add(message);
                }
            }

            request.MessageRanges.Add(parseResult.GetValue(ranges) ?? []);
            request.Aliases.Add(parseResult.GetValue(aliases) ?? []);
            request.HoldAliases.Add(parseResult.GetValue(holds) ?? []);
            if (parseResult.GetValue(after) is { } resumeAfter)
            {
                request.After = resumeAfter;
            }
            else if (parseResult.GetValue(since) is { } sinceTime)
            {
                request.Since = sinceTime;
            }

            if (parseResult.GetValue(keepalive) is { } interval)
            {
                request.KeepaliveInterval = Duration.FromTimeSpan(interval);
            }

            var tail = new SubscriptionTail(client, request, output, globals.AddressOf(parseResult), parseResult.GetValue(globals.Json), parseResult.GetValue(verbose));
            return tail.RunAsync(ct);
        }));
        return command;
    }

    private static MessageRange? ParseRange(string text, ArgumentResult result)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 &&
            MessageNames.TryParseId(text[..dash], out var first) &&
            MessageNames.TryParseId(text[(dash + 1)..], out var last) &&
            first <= last)
        {
            return new MessageRange { First = first, Last = last };
        }

        result.AddError($"'{text}' is not a message range A-B with A <= B (numbers or WM_ names, e.g. 0xC000-0xFFFF).");
        return null;
    }
}
