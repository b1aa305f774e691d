using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotifyBroker.Contracts.Credentials;

/// <summary>
/// The per-user credentials file that makes one machine zero-config: a broker that starts with no keys creates an
/// admin key and writes it here, readable only by the user; the CLI and the SDK read it when they talk to a broker on
/// a loopback address and were given no key. The path is $NOTIFY_CREDENTIALS, else
/// &lt;ApplicationData&gt;/notifybroker/credentials.json (~/.config/notifybroker on Linux, %APPDATA% on Windows).
/// </summary>
public static class LocalCredentials
{
    /// <summary>The environment variable that moves the file (tests, several users of one account).</summary>
    public const string PathVariable = "NOTIFY_CREDENTIALS";

    /// <summary>Where the file is for this process.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "notifybroker", "credentials.json");

    /// <summary>The key stored in <paramref name="path"/>, or null when there is no readable file with one.</summary>
    public static string? TryReadKey(string? path = null)
    {
        path ??= DefaultPath;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var file = JsonSerializer.Deserialize(File.ReadAllText(path), CredentialsJson.Default.CredentialsFile);
            return file?.Key is { Length: > 0 } key ? key : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Write <paramref name="key"/> to <paramref name="path"/>, creating it (and its folder) for the current user only.</summary>
    public static void WriteKey(string path, string key, DateTimeOffset created)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var json = JsonSerializer.Serialize(new CredentialsFile { Key = key, Created = created }, CredentialsJson.Default.CredentialsFile);
        using var stream = UserOnlyFile.Create(path);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
    }

    /// <summary>True when <paramref name="address"/> names this machine (localhost, 127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsLoopback;
    }

    internal sealed class CredentialsFile
    {
        [JsonPropertyName("key")]
        public string? Key { get; set; }

        [JsonPropertyName("created")]
        public DateTimeOffset Created { get; set; }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LocalCredentials.CredentialsFile))]
internal sealed partial class CredentialsJson : JsonSerializerContext;
