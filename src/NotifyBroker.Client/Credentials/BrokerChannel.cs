using Grpc.Core;
using Grpc.Net.Client;
using NotifyBroker.Contracts.Credentials;

namespace NotifyBroker.Client.Credentials;

/// <summary>
/// Channels that carry the caller's key: <see cref="NotifierClientOptions.ApiKey"/> when given, else, for a broker on
/// a loopback address, the key a local broker wrote to the per-user credentials file at first start (zero-config on
/// one machine). The key goes as "authorization: Bearer &lt;key&gt;" call credentials.
/// </summary>
public static class BrokerChannel
{
    /// <summary>The key to send to <paramref name="address"/>, or null when there is none to send.</summary>
    public static string? ResolveKey(Uri address, NotifierClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (options?.ApiKey is { Length: > 0 } given)
        {
            return given;
        }

        return LocalCredentials.IsLoopback(address) ? LocalCredentials.TryReadKey(options?.CredentialsFile) : null;
    }

    /// <summary>A channel to <paramref name="address"/> whose calls carry the key <see cref="ResolveKey"/> finds.</summary>
    public static GrpcChannel Create(string address, NotifierClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        var uri = new Uri(address, UriKind.Absolute);
        var channelOptions = new GrpcChannelOptions();
        Configure(channelOptions, uri, ResolveKey(uri, options));
        return GrpcChannel.ForAddress(uri, channelOptions);
    }

    /// <summary>Adds "authorization: Bearer <paramref name="key"/>" to every call of channels made with <paramref name="channelOptions"/>.</summary>
    public static void Configure(GrpcChannelOptions channelOptions, Uri address, string? key)
    {
        ArgumentNullException.ThrowIfNull(channelOptions);
        ArgumentNullException.ThrowIfNull(address);
        if (key is null)
        {
            return;
        }

        channelOptions.Credentials = ChannelCredentials.Create(
            address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            Bearer(key));

        // Grpc.Net.Client sends call credentials over plaintext only when told to. The broker refuses plaintext off
        // loopback unless its operator opted in, so this is a loopback broker or a network someone chose to trust.
        channelOptions.UnsafeUseInsecureChannelCallCredentials = address.Scheme == Uri.UriSchemeHttp;
    }

    /// <summary>Call credentials that send <paramref name="key"/> as a bearer token.</summary>
    public static CallCredentials Bearer(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var header = "Bearer " + key;
        return CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", header);
            return Task.CompletedTask;
        });
    }
}
