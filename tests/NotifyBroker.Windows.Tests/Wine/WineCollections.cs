namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// Tests that own the isolated prefix's whole desktop run one at a time: a window of one test would otherwise see
/// (or veto) another's broadcasts, and ending the session ends every process of the prefix.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedDesktopCollection
{
    public const string Name = "Wine isolated desktop";
}
