using NotifyBroker.Interop.TestHost;

namespace NotifyBroker.Interop.Tests;

public sealed class HostCommandLineTests
{
    [Theory]
    [InlineData(new string[0], 0, false)]
    [InlineData(new[] { "--port", "5000" }, 5000, false)]
    [InlineData(new[] { "--port=0", "--exit-on-stdin-close" }, 0, true)]
    [InlineData(new[] { "--use_tls=false", "--port", "65535" }, 65535, false)]
    [InlineData(new[] { "--use_tls", "false" }, 0, false)]
    public void Accepts_the_interop_server_flags(string[] args, int port, bool exitOnStdinClose)
    {
        var options = HostCommandLine.Parse(args, out var error);

        Assert.Null(error);
        Assert.Equal(new HostCommandLine(port, exitOnStdinClose), options);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port -1")]
    [InlineData("--port 65536")]
    [InlineData("--port http")]
    [InlineData("--use_tls true")]
    [InlineData("--exit-on-stdin-close=yes")]
    [InlineData("--verbose")]
    public void Refuses_anything_else_with_a_reason(string commandLine)
    {
        Assert.Null(HostCommandLine.Parse(commandLine.Split(' '), out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
