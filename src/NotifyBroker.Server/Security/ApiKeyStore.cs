using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NotifyBroker.Contracts.Credentials;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Every key the broker accepts: those given in configuration and those in the key store file (a JSON list of
/// hashes, readable only by the broker's user). Thread-safe; a revoked key is refused from the next call on.
/// </summary>
internal sealed class ApiKeyStore
{
    /// <summary>The shortest admin key accepted from configuration.</summary>
    public const int MinimumConfiguredKeyLength = 16;

    private const int MaxNameLength = 64;

    private readonly Lock _sync = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly List<ApiKeyRecord> _configured = [];
    private Dictionary<string, ApiKeyRecord> _stored;

    public ApiKeyStore(IOptions<SecurityOptions> options, TimeProvider time)
    {
        var security = options.Value;
        _time = time;
        _path = security.KeysFile is { Length: > 0 } path ? Path.GetFullPath(path) : DefaultPath;
        var now = time.GetUtcNow();
        if (security.AdminKey.Length > 0)
        {
            if (security.AdminKey.Length < MinimumConfiguredKeyLength)
            {
                throw new InvalidOperationException($"Security:AdminKey must have at least {MinimumConfiguredKeyLength} characters.");
            }

            _configured.Add(new ApiKeyRecord("admin", "admin", ApiKeySecret.Hash(security.AdminKey), [BrokerScopes.Admin], now, ApiKeySource.Configuration));
        }

        foreach (var key in security.Keys)
        {
            _configured.Add(FromConfiguration(key, now));
        }

        _stored = Load(_path);
    }

    /// <summary>The key store's default place: &lt;LocalApplicationData&gt;/notifybroker/keys.json.</summary>
    public static string DefaultPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "notifybroker", "keys.json");

    /// <summary>The key store file.</summary>
    public string FilePath => _path;

    /// <summary>True when no key at all is accepted (first start: the broker makes an admin key).</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_sync)
            {
                return _configured.Count == 0 && _stored.Count == 0;
            }
        }
    }

    /// <summary>The record of <paramref name="key"/>, or null when no accepted key matches.</summary>
    public ApiKeyRecord? Find(string key)
    {
        var hash = ApiKeySecret.Hash(key);
        if (ApiKeySecret.TryGetId(key) is { } id)
        {
            ApiKeyRecord? stored;
            lock (_sync)
            {
                _stored.TryGetValue(id, out stored);
            }

            if (stored is not null && CryptographicOperations.FixedTimeEquals(stored.Sha256, hash))
            {
                return stored;
            }
        }

        foreach (var configured in _configured)
        {
            if (CryptographicOperations.FixedTimeEquals(configured.Sha256, hash))
            {
                return configured;
            }
        }

        return null;
    }

    /// <summary>Every accepted key, configured first, then by creation.</summary>
    public IReadOnlyList<ApiKeyRecord> List()
    {
        lock (_sync)
        {
            return [.. _configured, .. _stored.Values.OrderBy(static k => k.Created).ThenBy(static k => k.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>A new stored key; its secret is returned once and kept nowhere.</summary>
    /// <exception cref="ArgumentException">A name or scope that cannot work.</exception>
    public (ApiKeyRecord Record, string Secret) Create(string name, IReadOnlyCollection<string> scopes)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new ArgumentException($"A key's name must have 1 to {MaxNameLength} printable characters.", nameof(name));
        }

        if (scopes.Count == 0)
        {
            throw new ArgumentException($"Give at least one scope: {string.Join(", ", BrokerScopes.All)}.", nameof(scopes));
        }

        if (scopes.FirstOrDefault(static s => !BrokerScopes.IsKnown(s)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scope '{unknown}'; the scopes are {string.Join(", ", BrokerScopes.All)}.", nameof(scopes));
        }

        var (id, secret) = ApiKeySecret.Create();
        var record = new ApiKeyRecord(id, name.Trim(), ApiKeySecret.Hash(secret), [.. scopes.Distinct(StringComparer.Ordinal)], _time.GetUtcNow(), ApiKeySource.Store);
        lock (_sync)
        {
            var next = new Dictionary<string, ApiKeyRecord>(_stored, StringComparer.Ordinal) { [id] = record };
            Save(next);
            _stored = next;
        }

        return (record, secret);
    }

    /// <summary>Stop accepting the stored key <paramref name="id"/>. False when no stored key has it.</summary>
    /// <exception cref="InvalidOperationException">The key comes from configuration.</exception>
    public bool Revoke(string id)
    {
        if (_configured.Any(k => k.Id == id))
        {
            throw new InvalidOperationException($"Key '{id}' comes from configuration; remove it there.");
        }

        lock (_sync)
        {
            if (!_stored.ContainsKey(id))
            {
                return false;
            }

            var next = new Dictionary<string, ApiKeyRecord>(_stored, StringComparer.Ordinal);
            next.Remove(id);
            Save(next);
            _stored = next;
            return true;
        }
    }

    private static ApiKeyRecord FromConfiguration(SecurityOptions.ConfiguredKey key, DateTimeOffset now)
    {
        byte[] hash;
        try
        {
            hash = Convert.FromHexString(key.Sha256.Trim());
        }
        catch (FormatException)
        {
            hash = [];
        }

        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new InvalidOperationException($"Security:Keys '{key.Name}': Sha256 must be 64 hex digits (the SHA-256 of the key).");
        }

        if (key.Scopes.Count == 0 || key.Scopes.Any(static s => !BrokerScopes.IsKnown(s)))
        {
            throw new InvalidOperationException($"Security:Keys '{key.Name}': give one or more of {string.Join(", ", BrokerScopes.All)}.");
        }

        var name = key.Name.Length > 0 ? key.Name : "configured";
        return new ApiKeyRecord("cfg-" + Convert.ToHexStringLower(hash, 0, 6), name, hash, [.. key.Scopes], now, ApiKeySource.Configuration);
    }

    private static Dictionary<string, ApiKeyRecord> Load(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, ApiKeyRecord>(StringComparer.Ordinal);
        }

        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), KeyFileJson.Default.KeyFile);
        }
        catch (JsonException error)
        {
            throw new InvalidOperationException($"The key store {path} is not valid JSON: {error.Message}", error);
        }

        var keys = new Dictionary<string, ApiKeyRecord>(StringComparer.Ordinal);
        foreach (var entry in file?.Keys ?? [])
        {
            keys[entry.Id] = new ApiKeyRecord(entry.Id, entry.Name, Convert.FromHexString(entry.Sha256), entry.Scopes, entry.Created, ApiKeySource.Store);
        }

        return keys;
    }

    private void Save(Dictionary<string, ApiKeyRecord> keys)
    {
        var file = new KeyFile
        {
            Keys = [.. keys.Values.OrderBy(static k => k.Created).Select(static k => new KeyFileEntry
            {
                Id = k.Id,
                Name = k.Name,
                Sha256 = Convert.ToHexStringLower(k.Sha256),
                Scopes = [.. k.Scopes],
                Created = k.Created,
            })],
        };

        // Written beside, then moved over: a crash never leaves half a key store.
        var temporary = _path + ".tmp";
        using (var stream = UserOnlyFile.Create(temporary))
        {
            JsonSerializer.Serialize(stream, file, KeyFileJson.Default.KeyFile);
        }

        File.Move(temporary, _path, overwrite: true);
    }

    internal sealed class KeyFile
    {
        [JsonPropertyName("keys")]
        public List<KeyFileEntry> Keys { get; set; } = [];
    }

    internal sealed class KeyFileEntry
    {
        [JsonPropertyName("id")]
        public string Id { get; set; } = "";

        [JsonPropertyName("name")]
        public string Name { get; set; } = "";

        [JsonPropertyName("sha256")]
        public string Sha256 { get; set; } = "";

        [JsonPropertyName("scopes")]
        public List<string> Scopes { get; set; } = [];

        [JsonPropertyName("created")]
        public DateTimeOffset Created { get; set; }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ApiKeyStore.KeyFile))]
internal sealed partial class KeyFileJson : JsonSerializerContext;
