using Microsoft.Extensions.Options;
using NotifyBroker.Contracts.Credentials;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Zero-config on one machine: when no key at all is configured or stored, first start makes an admin key, stores
/// its hash, and writes the key itself to the per-user credentials file (mode 0600), where the CLI and the SDK find
/// it for loopback brokers. Logs where the file is, never the key.
/// </summary>
internal sealed partial class LocalAdminBootstrap : IHostedService
{
    public const string KeyName = "local-admin";

    private readonly ApiKeyStore _keys;
    private readonly IOptions<SecurityOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalAdminBootstrap> _logger;

    public LocalAdminBootstrap(ApiKeyStore keys, IOptions<SecurityOptions> options, TimeProvider time, ILogger<LocalAdminBootstrap> logger)
    {
        _keys = keys;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_keys.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var path = _options.Value.CredentialsFile is { Length: > 0 } configured ? Path.GetFullPath(configured) : LocalCredentials.DefaultPath;
        var (record, secret) = _keys.Create(KeyName, [BrokerScopes.Admin]);
        LocalCredentials.WriteKey(path, secret, _time.GetUtcNow());
        CreatedAdminKey(_logger, record.Id, path, _keys.FilePath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "No keys were configured: created admin key {KeyId} and wrote it to {CredentialsFile} (readable only by this user; the CLI and SDK use it for local brokers). Its hash is in {KeysFile}.")]
    private static partial void CreatedAdminKey(ILogger logger, string keyId, string credentialsFile, string keysFile);
}
