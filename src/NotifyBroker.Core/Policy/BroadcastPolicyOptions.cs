namespace NotifyBroker.Core.Policy;

/// <summary>
/// The operator's broadcast policy, bound from "Broker:Policy". Placeholder shape: filled in by the broadcast policy.
/// </summary>
public sealed class BroadcastPolicyOptions
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
    }
}
