using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace NotifyBroker.Core.Desktop;

/// <summary>
/// The names of a Win32 constants class, read from its constants, so that a name and its value are written once, in
/// the constant, and every table of names follows it.
/// </summary>
internal static class ConstantNames
{
    /// <summary>The public <c>uint</c> constants of <paramref name="constants"/> named <paramref name="prefix"/>*, in declaration order.</summary>
    public static (string Name, uint Value)[] Of(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type constants, string prefix) =>
        [.. constants.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(uint) && f.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(static f => f.MetadataToken)
            .Select(static f => (f.Name, (uint)f.GetRawConstantValue()!))];
}
