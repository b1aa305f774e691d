using Microsoft.Extensions.Hosting;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>A host lifetime that leaves the test process's Ctrl+C / SIGTERM alone.</summary>
internal sealed class InProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
