using NotifyBroker.Cli.Parsing;

namespace NotifyBroker.Cli.Tests.Parsing;

public sealed class BitNamesTests
{
    [Theory]
    [InlineData("BSF_QUERY", 0x1u)]
    [InlineData("query", 0x1u)]
    [InlineData("Bsf_PostMessage,nohang", 0x18u)]
    [InlineData("postmessage|ignorecurrenttask", 0x12u)]
    [InlineData("0x10", 0x10u)]
    [InlineData("16", 0x10u)]
    [InlineData("0x800, query", 0x801u)]
    [InlineData("luid", 0x400u)]
    public void Flags_accept_names_with_or_without_prefix_in_any_case_and_numbers(string text, uint expected)
    {
        Assert.True(BitNames.BroadcastFlags.TryParse(text, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("query,BSM_APPLICATIONS")]
    [InlineData("")]
    [InlineData("0x1FFFFFFFF")]
    public void Unknown_names_and_out_of_range_numbers_are_refused_with_the_known_names(string text)
    {
        Assert.False(BitNames.BroadcastFlags.TryParse(text, out _, out var error));
        Assert.Contains("BSF_", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("applications", 0x8u)]
    [InlineData("BSM_ALLCOMPONENTS", 0x0u)]
    [InlineData("alldesktops,applications", 0x18u)]
    public void Recipients_use_the_BSM_names(string text, uint expected)
    {
        Assert.True(BitNames.Recipients.TryParse(text, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(0x0u, "0")]
    [InlineData(0x11u, "BSF_QUERY|BSF_POSTMESSAGE")]
    [InlineData(0x10801u, "BSF_QUERY|0x10800")]
    public void Flags_format_as_names_with_unnamed_bits_in_hex(uint value, string expected) =>
        Assert.Equal(expected, BitNames.BroadcastFlags.Format(value));

    [Fact]
    public void No_recipients_format_as_BSM_ALLCOMPONENTS() => Assert.Equal("BSM_ALLCOMPONENTS", BitNames.Recipients.Format(0));
}
