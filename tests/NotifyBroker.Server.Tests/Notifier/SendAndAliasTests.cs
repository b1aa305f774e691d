using NotifyBroker.Contracts.V1;
using Grpc.Core;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Notifier;

public sealed class SendAndAliasTests : IAsyncLifetime
{
    private BrokerTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Send_to_a_held_alias_reaches_each_holding_stream_and_counts_them()
    {
        using var first = Streams.Subscribe(_host.Grpc, new SubscribeRequest { HoldAliases = { "ops" } });
        using var second = Streams.Subscribe(_host.Grpc, new SubscribeRequest { HoldAliases = { "OPS" } });
        using var bystander = Streams.Subscribe(_host.Grpc, new SubscribeRequest { Aliases = { "other" } });
        await first.OpenAsync();
        await second.OpenAsync();
        await bystander.OpenAsync();

        var reply = await _host.Client.SendAsync(new SendRequest { MsgName = "Ops", Text = "disk full", FromName = "monitor" });

        Assert.Equal(SendPath.Alias, reply.Path);
        Assert.Equal(2u, reply.Recipients);
        foreach (var stream in new[] { first, second })
        {
            var received = await stream.NextMessageAsync();
            Assert.Equal(Event.KindOneofCase.AliasMessage, received.KindCase);
            Assert.Equal("disk full", received.AliasMessage.Text);
            Assert.Equal("monitor", received.AliasMessage.FromName);
            Assert.Equal(reply.Position, received.Position);
        }
    }

    [Fact]
    public async Task Held_aliases_are_listed_while_the_stream_is_open_and_released_when_it_ends()
    {
        using (var holder = Streams.Subscribe(_host.Grpc, new SubscribeRequest { HoldAliases = { "pager" } }))
        {
            await holder.OpenAsync();
            var held = Assert.Single(await _host.Client.ListAliasesAsync(), a => a.Name == "pager");
            Assert.False(held.Registered);
            Assert.Equal(1u, held.Holders);
        }

        // Cancelling the call ends the server's stream asynchronously: wait (bounded) for the release.
        using var timeout = new CancellationTokenSource(Streams.Patience);
        while ((await _host.Client.ListAliasesAsync(timeout.Token)).Any(a => a.Name == "pager"))
        {
            await Task.Delay(20, timeout.Token);
        }

        var failure = await Streams.FailureOf(() => _host.Client.SendAsync("pager", "anyone?"));
        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
    }

    [Fact]
    public async Task Aliases_can_be_added_listed_and_deleted()
    {
        await _host.Client.AddAliasAsync("alpha");
        await _host.Client.AddAliasAsync("beta");

        var listed = await _host.Client.ListAliasesAsync();
        Assert.Equal(["alpha", "beta"], listed.Select(a => a.Name));
        Assert.All(listed, a => Assert.True(a.Registered));

        var duplicate = await Streams.FailureOf(() => _host.Client.AddAliasAsync("ALPHA"));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.Equal("NERR_AlreadyExists", duplicate.SymbolicName);
        Assert.Equal(2276, duplicate.Win32Code);

        await _host.Client.DeleteAliasAsync("alpha");
        Assert.Equal(["beta"], (await _host.Client.ListAliasesAsync()).Select(a => a.Name));

        var missing = await Streams.FailureOf(() => _host.Client.DeleteAliasAsync("alpha"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(2273, missing.Win32Code);
    }

    [Fact]
    public async Task Send_to_a_registered_alias_nobody_listens_to_is_accepted_with_no_recipients()
    {
        await _host.Client.AddAliasAsync("night-shift");

        var reply = await _host.Client.SendAsync("night-shift", "nobody is here yet");

        Assert.Equal(SendPath.Alias, reply.Path);
        Assert.Equal(0u, reply.Recipients);
        Assert.NotNull(reply.Position);
    }

    [Fact]
    public async Task Send_to_an_unknown_alias_is_not_found_with_NERR_NameNotFound_in_the_details()
    {
        var failure = await Streams.FailureOf(() => _host.Client.SendAsync("nobody", "hello"));

        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
        Assert.NotNull(failure.ErrorInfo);
        Assert.Equal("notify.v1", failure.ErrorInfo.Domain);
        Assert.Equal("NERR_NameNotFound", failure.SymbolicName);
        Assert.Equal("2273", failure.ErrorInfo.Metadata["code"]);
        Assert.Equal(2273, failure.Win32Code);
    }

    [Theory]
    [InlineData("", "text")]
    [InlineData("   ", "text")]
    public async Task Send_without_a_msg_name_is_invalid(string msgName, string text)
    {
        var failure = await Streams.FailureOf(() => _host.Client.SendAsync(msgName, text));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("ERROR_INVALID_PARAMETER", failure.SymbolicName);
        Assert.Equal(87, failure.Win32Code);
    }

    [Fact]
    public async Task Send_with_text_over_the_limit_is_invalid_and_the_server_keeps_serving()
    {
        await _host.Client.AddAliasAsync("limits");

        var failure = await Streams.FailureOf(() => _host.Client.SendAsync("limits", new string('x', 1025)));
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);

        var reply = await _host.Client.SendAsync("limits", new string('x', 1024));
        Assert.Equal(SendPath.Alias, reply.Path);
    }

    [Fact]
    public async Task Send_to_another_server_name_is_refused_with_NERR_InvalidComputer()
    {
        await _host.Client.AddAliasAsync("ops");

        var failure = await Streams.FailureOf(() => _host.Client.SendAsync(new SendRequest { ServerName = "elsewhere", MsgName = "ops", Text = "hi" }));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("NERR_InvalidComputer", failure.SymbolicName);
        Assert.Equal(2351, failure.Win32Code);
    }
}
