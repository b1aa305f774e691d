namespace NotifyBroker.Server.Tests.Faults;

/// <summary>
/// The load faults (thousands of streams or connections) run alone, after the parallel tests: they neither slow the
/// others nor are starved by them (the connection burst needs the broker's accept loop to get the CPU it would have).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "Faults under load";
}
