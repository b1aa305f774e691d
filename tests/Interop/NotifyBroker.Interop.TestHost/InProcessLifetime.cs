using Microsoft.Extensions.Hosting;

namespace NotifyBroker.Interop.TestHost;

/// <summary>
/// A host lifetime that leaves the process's signals alone: a host started inside a test process must not take over
/// Ctrl+C / SIGTERM (the console app's host does, through the default console lifetime).
/// </summary>
internal sealed class InProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
