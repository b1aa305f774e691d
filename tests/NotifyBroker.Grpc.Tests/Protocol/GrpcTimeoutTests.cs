using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("5S", 50_000_000L)]
    [InlineData("4938m", 49_380_000L)]
    [InlineData("100m", 1_000_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1000n", 10L)]
    [InlineData("0m", 0L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parses_every_unit(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Fact]
    public void Clamps_huge_timeouts_to_the_protocol_maximum()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(GrpcProtocolConstants.MaxTimeout, timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData("1 S")]
    [InlineData(" 1S")]
    [InlineData("1s")]
    [InlineData("1h")]
    [InlineData("1x")]
    [InlineData("1.5S")]
    public void Ignores_malformed_values(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Theory]
    [InlineData(50, "50000000n")]
    [InlineData(100, "100000u")]
    [InlineData(1000, "1000000u")]
    [InlineData(5_000_000, "5000000m")]
    public void Formats_in_the_finest_unit_that_fits(int milliseconds, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Formatting_rounds_up_and_never_exceeds_eight_digits()
    {
        foreach (var timeout in new[] { TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(123.4567), TimeSpan.FromHours(5), TimeSpan.FromDays(3650), TimeSpan.MaxValue })
        {
            var formatted = GrpcTimeout.Format(timeout);
            Assert.InRange(formatted.Length, 2, 9);
            Assert.True(GrpcTimeout.TryParse(formatted, out var parsed), formatted);
            var expected = timeout > GrpcProtocolConstants.MaxTimeout ? GrpcProtocolConstants.MaxTimeout : timeout;
            Assert.True(parsed >= expected, $"{formatted} parsed as {parsed}, shorter than {expected}");
        }
    }

    [Fact]
    public void An_expired_timeout_formats_as_the_smallest_positive_value()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
    }
}
