using System.CommandLine;
using System.CommandLine.Parsing;
using NotifyBroker.Cli.Parsing;

namespace NotifyBroker.Cli.Commands;

/// <summary>
/// System.CommandLine custom parsers for the CLI's value syntaxes. A value that does not parse is a parse error, so
/// it is reported with the command's usage and exit code 1 before anything is sent.
/// </summary>
internal static class ValueParsers
{
    public static Option<TimeSpan?> DurationOption(string name, string description) => new(name)
    {
        Description = description + "; " + Durations.Syntax + ".",
        HelpName = "duration",
        CustomParser = static result =>
        {
            var text = result.Tokens.Single().Value;
            if (Durations.TryParse(text, out var duration))
            {
                return duration;
            }

            result.AddError($"'{text}' is not {Durations.Syntax}.");
            return null;
        },
    };

    public static Option<uint> UInt32Option(string name, string description) => new(name)
    {
        Description = description + "; decimal or 0x hex.",
        HelpName = "n",
        CustomParser = static result =>
        {
            var text = result.Tokens.Single().Value;
            if (Numbers.TryParseUInt32(text, out var value))
            {
                return value;
            }

            result.AddError($"'{text}' is not a 32-bit unsigned number (decimal or 0x hex).");
            return 0;
        },
    };

    public static Option<ulong> UInt64Option(string name, string description) => new(name)
    {
        Description = description + "; decimal or 0x hex.",
        HelpName = "n",
        CustomParser = static result =>
        {
            var text = result.Tokens.Single().Value;
            if (Numbers.TryParseUInt64(text, out var value))
            {
                return value;
            }

            result.AddError($"'{text}' is not a 64-bit unsigned number (decimal or 0x hex).");
            return 0;
        },
    };

    public static Option<long> Int64Option(string name, string description) => new(name)
    {
        Description = description + "; decimal (may be negative) or 0x hex.",
        HelpName = "n",
        CustomParser = static result =>
        {
            var text = result.Tokens.Single().Value;
            if (Numbers.TryParseInt64(text, out var value))
            {
                return value;
            }

            result.AddError($"'{text}' is not a 64-bit number (decimal or 0x hex).");
            return 0;
        },
    };

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

    public static string SingleToken(ArgumentResult result) => result.Tokens.Single().Value;
}
