using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Policy;
using NotifyBroker.Server.Hosting;
using NotifyBroker.Server.Tests.TestSupport;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Server.Tests.Hosting;

/// <summary>The host logs, as an error, every message the listener received but the core could not publish.</summary>
public sealed class ListenerFailureLogTests
{
    [Fact]
    public async Task A_received_message_that_cannot_be_published_is_logged_as_an_error_with_its_id_and_exception()
    {
        var logs = new CapturedLogs();
        await using var desktop = new FailingNameLookupDesktop();
        var builder = BrokerHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Desktop:Kind=InMemory", "--Security:AdminKey=" + InProcessBrokerHost.AdminKey]);
        builder.Services.AddSingleton<IDesktop>(desktop);
        builder.Logging.AddProvider(logs);
        await using var app = BrokerHost.Build(builder);
        var broker = app.Services.GetRequiredService<Broker>();
        await broker.StartAsync();

        var result = await broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC123 });

        Assert.Equal((1, 1), (result.Result, result.Delivered));
        var entry = Assert.Single(logs.Entries, static e => e.Category == "NotifyBroker.Server.Listener");
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(desktop.Failure, entry.Exception);
        Assert.Equal(0xC123u, entry.State["MessageId"]);
        Assert.Equal(WindowMessageOrigin.BroadcastRpc, entry.State["Origin"]);
        Assert.Contains("0xC123", entry.Message, StringComparison.Ordinal);
        await broker.StopAsync();
    }

    /// <summary>The in-memory desktop, except that naming a received message fails: the listener cannot build the event.</summary>
    private sealed class FailingNameLookupDesktop : IDesktop
    {
        private readonly InMemoryDesktop _inner = new();

        public InvalidOperationException Failure { get; } = new("the name lookup failed");

        public string HostName => _inner.HostName;

        public DesktopCapabilities Capabilities => _inner.Capabilities;

        public uint RegisterWindowMessage(string name) => _inner.RegisterWindowMessage(name);

        public string? GetRegisteredMessageName(uint messageId) => throw Failure;

        public ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken) =>
            _inner.BroadcastAsync(command, cancellationToken);

        public ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken) =>
            _inner.SendToSessionAsync(message, cancellationToken);

        public ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken) =>
            _inner.StartListeningAsync(sink, cancellationToken);

        public ValueTask StopListeningAsync(CancellationToken cancellationToken) => _inner.StopListeningAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
