using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Hosting;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Server.Tests.Http;

/// <summary>The JSON API, gRPC-Web and the OpenAPI document on the HTTP/1.1 endpoint of an in-process broker.</summary>
public sealed class HttpApiTests
{
    private static HttpClient Client(InProcessBrokerHost host, string? key = InProcessBrokerHost.AdminKey)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri(host.HttpAddress ?? throw new InvalidOperationException("no HTTP endpoint")),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts the HTTP status and the google.rpc.Status JSON with its ErrorInfo; returns the ErrorInfo.</summary>
    private static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, StatusCode code, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await BodyOf(response);
        Assert.Equal((int)code, body.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        var info = body.GetProperty("details").EnumerateArray()
            .Single(static d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("notify.v1", info.GetProperty("domain").GetString());
        Assert.Equal(reason, info.GetProperty("reason").GetString());
        return info;
    }

    [Fact]
    public async Task The_HTTP_endpoint_speaks_HTTP_1_1_and_its_address_is_discoverable()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        Assert.StartsWith("http://127.0.0.1:", host.HttpAddress, StringComparison.Ordinal);
        Assert.NotEqual(host.Address, host.HttpAddress);
        using var client = Client(host);
        using var response = await client.GetAsync("/v1/aliases");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Fact]
    public async Task Without_HttpApi_Url_a_host_on_its_own_urls_has_no_HTTP_endpoint()
    {
        await using var host = await InProcessBrokerHost.StartAsync();
        Assert.Null(host.HttpAddress);
    }

    [Fact]
    public async Task Send_broadcast_and_aliases_over_JSON()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var client = Client(host);

        using (var added = await client.PostAsync("/v1/aliases", Json("""{"name":"bob"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using (var listed = await client.GetAsync("/v1/aliases"))
        {
            Assert.Contains("bob", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var sent = await client.PostAsync("/v1/send", Json("""{"msgName":"bob","text":"hello"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            var body = await BodyOf(sent);
            Assert.Equal("SEND_PATH_ALIAS", body.GetProperty("path").GetString());
        }

        // Proto field names are accepted too.
        using (var broadcast = await client.PostAsync("/v1/broadcast", Json("""{"registered_name":"NotifyBroker.Test","recipients":8}""")))
        {
            Assert.Equal(HttpStatusCode.OK, broadcast.StatusCode);
        }

        using (var deleted = await client.DeleteAsync("/v1/aliases/bob"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }
    }

    [Fact]
    public async Task Subscribe_streams_each_event_as_a_JSON_line_as_it_happens()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var client = Client(host);
        using (await client.PostAsync("/v1/aliases", Json("""{"name":"tail"}""")))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/subscribe?aliases=tail&aliases=other&keepalive_interval=60s");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The open event arrives before anything is sent: the stream is flushed as it goes.
        var open = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
        Assert.True(open.TryGetProperty("open", out _));

        using (var sent = await client.PostAsync("/v1/send", Json("""{"msgName":"tail","text":"live"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        var message = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
        var alias = message.GetProperty("aliasMessage");
        Assert.Equal("tail", alias.GetProperty("alias").GetString());
        Assert.Equal("live", alias.GetProperty("text").GetString());
        Assert.Equal(1, message.GetProperty("position").GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Subscribe_query_takes_the_resume_position()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var client = Client(host);
        using (await client.PostAsync("/v1/aliases", Json("""{"name":"r"}""")))
        {
        }

        string epoch;
        using (var first = await client.PostAsync("/v1/send", Json("""{"msgName":"r","text":"one"}""")))
        {
            epoch = (await BodyOf(first)).GetProperty("position").GetProperty("epoch").GetString()!;
        }

        using (await client.PostAsync("/v1/send", Json("""{"msgName":"r","text":"two"}""")))
        {
        }

        // Resume after the first: the replay starts with the second.
        using var response = await client.GetAsync($"/v1/subscribe?aliases=r&after.offset=1&after.epoch={epoch}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? text = null;
        while (text is null && await reader.ReadLineAsync() is { } line)
        {
            var e = JsonDocument.Parse(line).RootElement;
            if (e.TryGetProperty("aliasMessage", out var m))
            {
                text = m.GetProperty("text").GetString();
            }
        }

        Assert.Equal("two", text);
    }

    [Fact]
    public async Task Core_failures_are_HTTP_statuses_with_their_ErrorInfo()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var client = Client(host);
        using (await client.PostAsync("/v1/aliases", Json("""{"name":"bob"}""")))
        {
        }

        using (var tooLong = await client.PostAsync("/v1/send", Json($$"""{"msgName":"bob","text":"{{new string('x', 2000)}}"}""")))
        {
            var info = await AssertError(tooLong, HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "ERROR_INVALID_PARAMETER");
            Assert.Equal("87", info.GetProperty("metadata").GetProperty("code").GetString());
        }

        using (var missing = await client.DeleteAsync("/v1/aliases/nobody"))
        {
            var info = await AssertError(missing, HttpStatusCode.NotFound, StatusCode.NotFound, "NERR_NameNotFound");
            Assert.Equal("2273", info.GetProperty("metadata").GetProperty("code").GetString());
        }

        using (var duplicate = await client.PostAsync("/v1/aliases", Json("""{"name":"bob"}""")))
        {
            await AssertError(duplicate, HttpStatusCode.Conflict, StatusCode.AlreadyExists, "NERR_AlreadyExists");
        }
    }

    [Fact]
    public async Task Authentication_and_scope_refusals_are_401_and_403_with_ErrorInfo()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using (var anonymous = Client(host, key: null))
        using (var response = await anonymous.PostAsync("/v1/send", Json("""{"msgName":"bob","text":"x"}""")))
        {
            await AssertError(response, HttpStatusCode.Unauthorized, StatusCode.Unauthenticated, "CREDENTIALS_MISSING");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        using (var wrong = Client(host, key: "nbk_000000000000_not-a-real-secret"))
        using (var response = await wrong.PostAsync("/v1/send", Json("""{"msgName":"bob","text":"x"}""")))
        {
            await AssertError(response, HttpStatusCode.Unauthorized, StatusCode.Unauthenticated, "CREDENTIALS_INVALID");
        }

        var secret = await CreateKey(host, "notify:subscribe");
        using var reader = Client(host, secret);
        using (var response = await reader.PostAsync("/v1/send", Json("""{"msgName":"bob","text":"x"}""")))
        {
            var info = await AssertError(response, HttpStatusCode.Forbidden, StatusCode.PermissionDenied, "SCOPE_REQUIRED");
            Assert.Equal("notify:send", info.GetProperty("metadata").GetProperty("scope").GetString());
        }
    }

    [Fact]
    public async Task Rate_limit_refusals_are_429_with_Retry_After_and_ErrorInfo()
    {
        await using var host = await InProcessBrokerHost.StartAsync(
            InProcessBrokerHost.HttpSetting, "Security:RateLimits:CallsPerSecond=1", "Security:RateLimits:CallBurst=1");
        var secret = await CreateKey(host, "notify:aliases");
        using var client = Client(host, secret);

        // One call a second with a burst of one: of many calls in a row, one is refused (however fast they run).
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 50 && refused is null; i++)
        {
            var response = await client.GetAsync("/v1/aliases");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            var info = await AssertError(refused, HttpStatusCode.TooManyRequests, StatusCode.ResourceExhausted, "RATE_LIMITED");
            Assert.Equal("calls", info.GetProperty("metadata").GetProperty("limit").GetString());
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served_anonymously_and_lists_the_routes()
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var client = Client(host, key: null);
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await BodyOf(response)).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/send", out _));
        Assert.True(paths.TryGetProperty("/v1/subscribe", out _));
        Assert.True(paths.TryGetProperty("/v1/keys", out _));
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GrpcWeb_unary_and_server_streaming_over_HTTP_1_1(GrpcWebMode mode)
    {
        await using var host = await InProcessBrokerHost.StartAsync(InProcessBrokerHost.HttpSetting);
        using var channel = GrpcChannel.ForAddress(host.HttpAddress!, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var notifier = new Contracts.V1.Notifier.NotifierClient(channel);
        var auth = new Metadata { { "authorization", "Bearer " + InProcessBrokerHost.AdminKey } };

        await notifier.AddAliasAsync(new AddAliasRequest { Name = "web" }, auth);
        using var stream = notifier.Subscribe(new SubscribeRequest { Aliases = { "web" } }, auth);
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(Event.KindOneofCase.Open, stream.ResponseStream.Current.KindCase);

        var reply = await notifier.SendAsync(new SendRequest { MsgName = "web", Text = "over grpc-web" }, auth);
        Assert.Equal(SendPath.Alias, reply.Path);
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("over grpc-web", stream.ResponseStream.Current.AliasMessage.Text);

        // Refusals keep their gRPC form.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await notifier.SendAsync(new SendRequest { MsgName = "web", Text = "x" }));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public void A_plaintext_HTTP_endpoint_off_loopback_is_refused()
    {
        var builder = BrokerHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--HttpApi:Url=http://0.0.0.0:0", "--Desktop:Kind=InMemory"]);
        var refused = Assert.Throws<InsecureNetworkException>(() => BrokerHost.Build(builder));
        Assert.Equal(["http://0.0.0.0:0"], refused.Addresses);
    }

    [Fact]
    public void The_default_addresses_are_the_gRPC_and_the_HTTP_endpoints_on_localhost()
    {
        var builder = BrokerHost.CreateBuilder(["--Desktop:Kind=InMemory"]);
        Assert.Equal(BrokerHost.DefaultUrl, builder.Configuration["Kestrel:Endpoints:Grpc:Url"]);
        Assert.Equal(Server.Http.HttpApiOptions.DefaultUrl, builder.Configuration["Kestrel:Endpoints:HttpApi:Url"]);
        Assert.Equal("Http1", builder.Configuration["Kestrel:Endpoints:HttpApi:Protocols"]);
    }

    private static async Task<string> CreateKey(InProcessBrokerHost host, string scope)
    {
        using var admin = Client(host);
        using var created = await admin.PostAsync("/v1/keys", Json($$"""{"name":"k","scopes":["{{scope}}"]}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await BodyOf(created)).GetProperty("secret").GetString()!;
    }
}
