using System.Text;

namespace NotifyBroker.Cli.Output;

/// <summary>Keeps user text on one line: control characters become C escapes, so one event is always one line.</summary>
internal static class TextEscaping
{
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>A quoted string with quotes and backslashes escaped as well.</summary>
    public static string Quoted(string text) =>
        "\"" + OneLine(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)) + "\"";
}
