namespace NotifyBroker.Core.Subscriptions;

/// <summary>An inclusive range of message ids.</summary>
public readonly record struct MessageRange(uint First, uint Last)
{
    public bool Contains(uint messageId) => messageId >= First && messageId <= Last;
}
