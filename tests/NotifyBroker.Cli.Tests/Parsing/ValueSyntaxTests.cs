using NotifyBroker.Cli.Parsing;
using NotifyBroker.Core.Policy;

namespace NotifyBroker.Cli.Tests.Parsing;

public sealed class ValueSyntaxTests
{
    [Theory]
    [InlineData("WM_SETTINGCHANGE", 0x001Au)]
    [InlineData("wm_wininichange", 0x001Au)]
    [InlineData("WM_COPYDATA", 0x004Au)]
    [InlineData("WM_APP+1", 0x8001u)]
    [InlineData("WM_USER + 0x10", 0x0410u)]
    [InlineData("0xC000", 0xC000u)]
    [InlineData("49152", 0xC000u)]
    public void Message_ids_resolve_from_WM_names_offsets_and_numbers(string text, uint expected)
    {
        Assert.True(MessageNames.TryParseId(text, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("MyApp.Refresh")]
    [InlineData("WM_HTML_GETOBJECT")]
    [InlineData("TaskbarCreated")]
    public void Anything_else_is_a_registered_message_name(string text) => Assert.False(MessageNames.TryParseId(text, out _));

    [Theory]
    [InlineData(0x001Au, "WM_SETTINGCHANGE")]
    [InlineData(0x0401u, "WM_USER+0x1")]
    [InlineData(0x8005u, "WM_APP+0x5")]
    [InlineData(0x0123u, null)]
    public void Message_ids_have_their_winuser_names(uint id, string? expected) => Assert.Equal(expected, MessageNames.NameOf(id));

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("5", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:07", 7_000)]
    public void Durations_take_units_seconds_or_timespans(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("")]
    [InlineData("5 parsecs")]
    public void Other_durations_are_refused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Since_is_a_duration_back_from_now_or_an_ISO_time()
    {
        var now = new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);

        Assert.True(Times.TryParseSince("5m", now, out var relative));
        Assert.Equal(now.AddMinutes(-5), relative);
        Assert.True(Times.TryParseSince("2025-01-31T11:00:00Z", now, out var absolute));
        Assert.Equal(now.AddHours(-1), absolute);
        Assert.True(Times.TryParseSince("2025-01-31T13:00:00+02:00", now, out var offset));
        Assert.Equal(now.AddHours(-1), offset);
        Assert.False(Times.TryParseSince("yesterday-ish", now, out _));
    }

    [Theory]
    [InlineData("42@5f0c3a9e1b2d4c6f", 42ul, "5f0c3a9e1b2d4c6f")]
    [InlineData("0@e", 0ul, "e")]
    public void Positions_read_offset_at_epoch(string text, ulong offset, string epoch)
    {
        Assert.True(Positions.TryParse(text, out var position));
        Assert.Equal(offset, position.Offset);
        Assert.Equal(epoch, position.Epoch);
        Assert.Equal(text, Positions.Format(position));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("@abc")]
    [InlineData("42@")]
    [InlineData("-1@abc")]
    [InlineData("x@abc")]
    public void Malformed_positions_are_refused(string text) => Assert.False(Positions.TryParse(text, out _));

    [Theory]
    [InlineData("-5", -5L)]
    [InlineData("0xFFFFFFFFFFFFFFFF", -1L)]
    [InlineData("0x10", 16L)]
    public void LParam_takes_negative_decimals_and_hex_bit_patterns(string text, long expected)
    {
        Assert.True(Numbers.TryParseInt64(text, out var value));
        Assert.Equal(expected, value);
    }
}
