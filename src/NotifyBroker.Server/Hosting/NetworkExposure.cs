namespace NotifyBroker.Server.Hosting;

/// <summary>Placeholder: refuses plaintext endpoints off loopback unless Security:AllowInsecureNetwork is set.</summary>
internal static class NetworkExposure
{
    /// <summary>Throws when the configured endpoints would expose plaintext off loopback without the opt-in.</summary>
    public static void EnsureAllowed(IConfiguration configuration, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(logger);
    }
}
