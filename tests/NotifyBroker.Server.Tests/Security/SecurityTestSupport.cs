using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Keys with chosen scopes on a test host, and the ErrorInfo of a refused call.</summary>
internal static class SecurityTestSupport
{
    /// <summary>A key named <paramref name="name"/> with <paramref name="scopes"/>, made by the admin through notify.v1.Keys.</summary>
    public static async Task<string> CreateKeyAsync(BrokerTestHost host, string name, params string[] scopes)
    {
        var request = new CreateKeyRequest { Name = name };
        request.Scopes.AddRange(scopes);
        var reply = await new Keys.KeysClient(host.Channel).CreateKeyAsync(request);
        return reply.Secret;
    }

    /// <summary>The generated Notifier client on a channel of its own that sends <paramref name="key"/> (null: nothing).</summary>
    public static (GrpcChannel Channel, Contracts.V1.Notifier.NotifierClient Client) ClientWith(BrokerTestHost host, string? key)
    {
        var channel = host.Host.CreateChannel(key);
        return (channel, new Contracts.V1.Notifier.NotifierClient(channel));
    }

    /// <summary>Runs <paramref name="call"/>, which must fail with <paramref name="code"/>, and returns its ErrorInfo.</summary>
    public static async Task<ErrorInfo> FailsWithAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("notify.v1", info.Domain);
        return info;
    }

    /// <summary>The first message of a Subscribe stream (it fails there when the call is refused).</summary>
    public static async Task FirstEventAsync(Contracts.V1.Notifier.NotifierClient client, SubscribeRequest request)
    {
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var call = client.Subscribe(request, cancellationToken: timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
    }
}
