using Google.Protobuf;

namespace NotifyBroker.Cli.Output;

/// <summary>
/// --json output: one object per line in the protobuf JSON mapping of notify.v1 (lowerCamelCase fields, 64-bit
/// integers as strings, bytes as base64, enums by name), so any language's generated code can read it back.
/// Default values are written too, so that every line of a kind has the same fields.
/// </summary>
internal static class JsonLines
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string Format(IMessage message) => Formatter.Format(message);
}
