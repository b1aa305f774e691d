using System.CommandLine;
using System.CommandLine.Parsing;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands;

/// <summary>
/// System.CommandLine custom parsers for the CLI's value syntaxes. A value that does not parse is a parse error, so
/// it is reported with the command's usage and exit code 1 before anything is sent.
/// </summary>
internal static class ValueParsers
{
    /// <summary>A parse of one value's text, the shape of the Parsing/ helpers.</summary>
    private delegate bool TryParse<T>(string text, out T value);

    public static Option<TimeSpan?> DurationOption(string name, string description) =>
        SingleValueOption<TimeSpan?>(name, description + "; " + Durations.Syntax + ".", "duration", Durations.Syntax,
            static (string text, out TimeSpan? value) =>
            {
                var parsed = Durations.TryParse(text, out var duration);
                value = duration;
                return parsed;
            });

    public static Option<uint> UInt32Option(string name, string description) =>
        SingleValueOption<uint>(name, description + "; decimal or 0x hex.", "n", "a 32-bit unsigned number (decimal or 0x hex)", Numbers.TryParseUInt32);

    public static Option<ulong> UInt64Option(string name, string description) =>
        SingleValueOption<ulong>(name, description + "; decimal or 0x hex.", "n", "a 64-bit unsigned number (decimal or 0x hex)", Numbers.TryParseUInt64);

    public static Option<long> Int64Option(string name, string description) =>
        SingleValueOption<long>(name, description + "; decimal (may be negative) or 0x hex.", "n", "a 64-bit number (decimal or 0x hex)", Numbers.TryParseInt64);

    /// <summary>A position to resume after, as `notify subscribe` prints them.</summary>
    public static Option<Position?> PositionOption(string name, string description) =>
        SingleValueOption<Position?>(name, description, "offset@epoch", $"a position ({Positions.Syntax})",
            static (string text, out Position? value) =>
            {
                var parsed = Positions.TryParse(text, out var position);
                value = position;
                return parsed;
            });

    /// <summary>A point in time: ISO 8601, or a duration back from when the command line is parsed.</summary>
    public static Option<Timestamp?> SinceOption(string name, string description) =>
        SingleValueOption<Timestamp?>(name, description, "time", Times.Syntax,
            static (string text, out Timestamp? value) =>
            {
                var parsed = Times.TryParseSince(text, DateTimeOffset.UtcNow, out var time);
                value = parsed ? Timestamp.FromDateTimeOffset(time) : null;
                return parsed;
            });

    /// <summary>A BSF_*/BSM_* list: names (prefix optional, any case) and numbers, separated by commas or '|'.</summary>
    public static Option<uint> BitsOption(string name, BitNames names, string description) => new(name)
    {
        Description = $"{description}: {names.Prefix}* names (comma list, prefix optional, any case) or a number. Names: {string.Join(", ", names.Names)}.",
        HelpName = "list",
        CustomParser = result =>
        {
            // Repeating the option ORs the values, as writing them in one list would.
            uint value = 0;
            foreach (var token in result.Tokens)
            {
                if (!names.TryParse(token.Value, out var bits, out var error))
                {
                    result.AddError(error!);
                    return 0;
                }

                value |= bits;
            }

            return value;
        },
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <param name="expected">What a good value is, for "'x' is not {expected}.".</param>
    private static Option<T> SingleValueOption<T>(string name, string description, string helpName, string expected, TryParse<T> tryParse) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (tryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"'{text}' is not {expected}.");
            return default!;
        },
    };
}
