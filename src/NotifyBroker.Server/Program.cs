// The NotifyBroker host: `dotnet run --project src/NotifyBroker.Server [-- --urls http://127.0.0.1:6000]`.
// Exit codes: 0 after a normal shutdown; 2 when the configuration is refused (plaintext on an address other machines
// can reach, see NetworkExposure); 1 when the host fails to start (e.g. a port in use, a certificate file missing).
// Both failures print one message on stderr, without a stack trace (the host's log has the details of a start failure).
using NotifyBroker.Server.Hosting;

WebApplication app;
try
{
    app = BrokerHost.Build(BrokerHost.CreateBuilder(args));
}
catch (InsecureNetworkException refused)
{
    await Console.Error.WriteLineAsync($"notifybroker: {refused.Message}").ConfigureAwait(false);
    return 2;
}

try
{
    await app.StartAsync().ConfigureAwait(false);
}
catch (Exception failure) when (failure is not OperationCanceledException)
{
    // The host has logged the failure with its stack trace; disposing flushes that log, then say it once more, plainly.
    await app.DisposeAsync().ConfigureAwait(false);
    await Console.Error.WriteLineAsync($"notifybroker: could not start: {Innermost(failure).Message}").ConfigureAwait(false);
    return 1;
}

await app.WaitForShutdownAsync().ConfigureAwait(false);
await app.DisposeAsync().ConfigureAwait(false);
return 0;

static Exception Innermost(Exception failure)
{
    while (failure is AggregateException { InnerExceptions.Count: 1 } aggregate)
    {
        failure = aggregate.InnerExceptions[0];
    }

    return failure;
}
