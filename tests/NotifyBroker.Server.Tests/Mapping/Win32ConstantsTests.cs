using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Server.Tests.Mapping;

/// <summary>
/// The contract's BroadcastFlag and BroadcastRecipient enums are there for generated clients; the broker passes
/// `flags` and `recipients` through as numbers and checks them against the core's constants. So the enums must name
/// the core's bits, no more and no fewer, with the same values.
/// </summary>
public sealed class Win32ConstantsTests
{
    [Fact]
    public void The_contracts_BSF_values_are_the_cores() =>
        Assert.Equal(BroadcastFlags.Names, ContractValues(nameof(BroadcastFlag), "BSF_"));

    [Fact]
    public void The_contracts_BSM_values_are_the_cores() =>
        Assert.Equal(BroadcastRecipients.Names, ContractValues(nameof(BroadcastRecipient), "BSM_"));

    private static (string Name, uint Value)[] ContractValues(string enumName, string prefix) =>
    [
        .. NotifierReflection.Descriptor.EnumTypes.Single(e => e.Name == enumName).Values
            .Where(v => v.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(static v => (v.Name, (uint)v.Number)),
    ];
}
