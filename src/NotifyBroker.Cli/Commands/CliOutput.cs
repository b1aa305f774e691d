namespace NotifyBroker.Cli.Commands;

/// <summary>Where a command writes: results on <see cref="Out"/>, diagnostics and errors on <see cref="Error"/>.</summary>
internal sealed class CliOutput(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;
}
