// The interop test host as a console app. Prints exactly one line on stdout once it accepts calls:
//   listening on http://127.0.0.1:<port>
// and stops on Ctrl+C / SIGTERM, and when stdin closes if stdin is a pipe or --exit-on-stdin-close is given.
using NotifyBroker.Interop.TestHost;

var options = HostCommandLine.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync(error + Environment.NewLine + HostCommandLine.Usage).ConfigureAwait(false);
    return 2;
}

await using var host = await InteropHost.StartAsync(options.Port, handleSignals: true).ConfigureAwait(false);
if (options.ExitOnStdinClose || StandardInput.IsPipe())
{
    StandardInput.OnClosed(() => _ = host.StopAsync());
}

Console.Out.WriteLine("listening on " + host.Address);
Console.Out.Flush();
await host.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
