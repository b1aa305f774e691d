using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class PercentEncodingTests
{
    // The interop suite's special_status_message.
    public const string SpecialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

    [Fact]
    public void Round_trips_the_interop_special_status_message()
    {
        var encoded = PercentEncoding.Encode(SpecialStatusMessage);

        Assert.All(encoded, c => Assert.InRange(c, (char)0x20, (char)0x7E));
        Assert.Equal(SpecialStatusMessage, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("100%", "100%25")]
    [InlineData("café", "caf%C3%A9")]
    [InlineData("a\tb", "a%09b")]
    [InlineData("~", "~")]
    [InlineData("\u007F", "%7F")]
    public void Encodes_bytes_outside_the_printable_range_and_the_percent_sign(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(value));
    }

    [Fact]
    public void Leaves_printable_ascii_untouched_without_copying()
    {
        const string value = "Service is unimplemented.";
        Assert.Same(value, PercentEncoding.Encode(value));
    }

    [Theory]
    [InlineData("caf%C3%A9%20%25", "café %")]
    [InlineData("lower %c3%a9", "lower é")]
    [InlineData("bad %zz escape", "bad %zz escape")]
    [InlineData("truncated %4", "truncated %4")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("%FF invalid utf8", "\uFFFD invalid utf8")]
    public void Decoding_never_fails_and_keeps_what_it_cannot_decode(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(value));
    }
}
