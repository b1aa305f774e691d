using NotifyBroker.Contracts.V1;
using Grpc.Core;
using NotifyBroker.Tests.Shared;
using NotifyBroker.Client;

namespace NotifyBroker.Client.Tests.Calls;

/// <summary>The SDK's unary calls against a real broker: request objects reach it whole, and per-call options apply.</summary>
public sealed class UnaryCallTests
{
    private const int NERR_InvalidComputer = 2351;

    [Fact]
    public async Task Alias_requests_carry_their_server_name_to_the_broker()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        const string Elsewhere = "ELSEWHERE";

        var add = await Assert.ThrowsAsync<NotifyException>(() => client.AddAliasAsync(new AddAliasRequest { ServerName = Elsewhere, Name = "pager" }));
        var list = await Assert.ThrowsAsync<NotifyException>(() => client.ListAliasesAsync(new ListAliasesRequest { ServerName = Elsewhere }));
        var delete = await Assert.ThrowsAsync<NotifyException>(() => client.DeleteAliasAsync(new DeleteAliasRequest { ServerName = Elsewhere, Name = "pager" }));

        Assert.All([add, list, delete], failure => Assert.Equal(NERR_InvalidComputer, failure.Win32Code));
        Assert.Empty(await client.ListAliasesAsync());

        // The broker's own name, written as a UNC server name, is "here".
        var here = @"\\" + broker.Broker.Name;
        await client.AddAliasAsync(new AddAliasRequest { ServerName = here, Name = "pager" });
        var listed = await client.ListAliasesAsync(new ListAliasesRequest { ServerName = here });
        Assert.Equal("pager", Assert.Single(listed.Aliases).Name);
        await client.DeleteAliasAsync(new DeleteAliasRequest { ServerName = here, Name = "pager" });
        Assert.Empty(await client.ListAliasesAsync());
    }

    [Fact]
    public async Task A_call_without_its_own_deadline_gets_the_clients_call_timeout()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey, CallTimeout = TimeSpan.Zero });

        var byToken = await Assert.ThrowsAsync<NotifyException>(() => client.ListAliasesAsync(new ListAliasesRequest()));
        var byOptions = await Assert.ThrowsAsync<NotifyException>(() => client.ListAliasesAsync(new ListAliasesRequest(), new CallOptions()));

        Assert.Equal(StatusCode.DeadlineExceeded, byToken.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, byOptions.StatusCode);
    }

    [Fact]
    public async Task A_per_call_deadline_overrides_the_clients_call_timeout()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var expiring = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey, CallTimeout = TimeSpan.Zero });
        using var patient = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });

        // DateTime.MaxValue is "no deadline"; a later deadline than the client's also wins.
        await expiring.AddAliasAsync(new AddAliasRequest { Name = "ops" }, new CallOptions(deadline: DateTime.MaxValue));
        var listed = await expiring.ListAliasesAsync(new ListAliasesRequest(), new CallOptions(deadline: DateTime.UtcNow.AddMinutes(5)));
        Assert.Equal("ops", Assert.Single(listed.Aliases).Name);

        var sendRequest = new SendRequest { MsgName = "ops", Text = "too late" };
        var late = await Assert.ThrowsAsync<NotifyException>(() => patient.SendAsync(sendRequest, new CallOptions(deadline: DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
    }

    [Fact]
    public async Task A_call_cancelled_through_its_options_ends_with_a_cancellation_not_a_broker_error()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failure = await Record.ExceptionAsync(() => client.BroadcastAsync(new BroadcastRequest { MessageId = 0x8001 }, new CallOptions(cancellationToken: cancelled.Token)));

        Assert.True(failure is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, failure?.ToString());
    }
}
