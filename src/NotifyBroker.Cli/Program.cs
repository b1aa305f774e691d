// `notify`: see NotifyCli. Ctrl+C and SIGTERM cancel the command instead of killing the process, so a tail can print
// where it stopped; a second Ctrl+C ends the process the usual way.
using System.Runtime.InteropServices;
using NotifyBroker.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true;
        stop.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await NotifyCli.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
