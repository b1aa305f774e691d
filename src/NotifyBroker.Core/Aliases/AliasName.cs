using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Aliases;

/// <summary>What makes a message alias acceptable.</summary>
internal static class AliasName
{
    /// <summary>Longer than any user, computer or NetBIOS name, short enough to keep the table small.</summary>
    public const int MaxLength = 256;

    public static string Validate(string? name, string what = "alias")
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER, $"The {what} must not be empty.");
        }

        if (name.Length > MaxLength || name.Any(char.IsControl))
        {
            throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER, $"The {what} must be at most {MaxLength} printable characters.");
        }

        return name;
    }
}
