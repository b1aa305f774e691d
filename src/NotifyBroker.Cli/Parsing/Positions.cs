using System.Globalization;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Parsing;

/// <summary>Positions as the CLI prints and reads them: "offset@epoch", e.g. 42@5f0c3a9e1b2d4c6f.</summary>
internal static class Positions
{
    public const string Syntax = "<offset>@<epoch>, as printed by `notify subscribe`";

    public static string Format(Position position) =>
        position.Offset.ToString(CultureInfo.InvariantCulture) + "@" + position.Epoch;

    public static bool TryParse(string text, out Position position)
    {
        position = new Position();
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1 ||
            !ulong.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        position = new Position { Offset = offset, Epoch = text[(at + 1)..] };
        return true;
    }
}
