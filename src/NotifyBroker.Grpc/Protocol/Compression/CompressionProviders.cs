namespace NotifyBroker.Grpc.Protocol.Compression;

/// <summary>
/// The set of encodings one side supports, with the grpc-accept-encoding value that advertises them. Immutable, so a
/// server or channel builds it once and shares it across calls.
/// </summary>
public sealed class CompressionProviders
{
    private readonly ICompressionProvider[] _providers;

    public CompressionProviders(IEnumerable<ICompressionProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var list = new List<ICompressionProvider>();
        foreach (var provider in providers)
        {
            ArgumentNullException.ThrowIfNull(provider);
            if (list.Exists(p => string.Equals(p.EncodingName, provider.EncodingName, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"Encoding '{provider.EncodingName}' is registered twice.", nameof(providers));
            }

            list.Add(provider);
        }

        _providers = list.ToArray();
        AcceptEncoding = string.Join(",", new[] { GrpcProtocolConstants.IdentityEncoding }.Concat(_providers.Select(p => p.EncodingName)));
    }

    /// <summary>gzip and deflate.</summary>
    public static CompressionProviders Default { get; } =
        new([GzipCompressionProvider.Instance, DeflateCompressionProvider.Instance]);

    /// <summary>The grpc-accept-encoding value for these encodings, e.g. "identity,gzip,deflate".</summary>
    public string AcceptEncoding { get; }

    public IReadOnlyList<ICompressionProvider> Providers => _providers;

    /// <summary>The provider for <paramref name="encoding"/> (case-insensitive), or null. Identity has none.</summary>
    public ICompressionProvider? Find(string? encoding)
    {
        if (string.IsNullOrEmpty(encoding))
        {
            return null;
        }

        foreach (var provider in _providers)
        {
            if (string.Equals(provider.EncodingName, encoding, StringComparison.OrdinalIgnoreCase))
            {
                return provider;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a grpc-accept-encoding value lists <paramref name="encoding"/>. Tokens are comma-separated and trimmed:
    /// C-core sends "identity, deflate, gzip". Allocation-free.
    /// </summary>
    public static bool AcceptsEncoding(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        var remaining = acceptEncoding.AsSpan();
        while (true)
        {
            var comma = remaining.IndexOf(',');
            var token = (comma < 0 ? remaining : remaining[..comma]).Trim();
            if (token.Equals(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (comma < 0)
            {
                return false;
            }

            remaining = remaining[(comma + 1)..];
        }
    }
}
