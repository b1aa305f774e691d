using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>JWT bearer tokens beside API keys: issuer, audience, lifetime and signature checked; scopes from scope or scp.</summary>
public sealed class JwtBearerTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "notifybroker";
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task A_valid_token_acts_with_its_scopes_and_a_missing_one_is_PERMISSION_DENIED()
    {
        await using var host = await StartAsync();
        await host.Client.AddAliasAsync("ops");
        var (channel, client) = ClientWith(host, Token(scope: "notify:send"));
        using var _ = channel;

        await client.SendAsync(new SendRequest { MsgName = "ops", Text = "from a token" });
        var info = await FailsWithAsync(StatusCode.PermissionDenied, async () => await client.BroadcastAsync(new BroadcastRequest { MessageId = 0xC100 }));

        Assert.Equal(BrokerScopes.Broadcast, info.Metadata["scope"]);
    }

    [Fact]
    public async Task Scopes_may_come_as_scp_claims()
    {
        await using var host = await StartAsync();
        var (channel, client) = ClientWith(host, Token(scp: [BrokerScopes.Aliases, BrokerScopes.Subscribe]));
        using var _ = channel;

        await client.AddAliasAsync(new AddAliasRequest { Name = "token-alias" });
        var mine = Assert.Single((await client.ListAliasesAsync(new ListAliasesRequest())).Aliases);
        Assert.Equal($"jwt:{Issuer}|robot-7", mine.Owner);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("signature")]
    public async Task A_token_that_fails_a_check_is_UNAUTHENTICATED(string fault)
    {
        await using var host = await StartAsync();
        var token = fault switch
        {
            "expired" => Token(scope: "notify:admin", expires: DateTime.UtcNow.AddMinutes(-5)),
            "audience" => Token(scope: "notify:admin", audience: "someone-else"),
            "issuer" => Token(scope: "notify:admin", issuer: "https://elsewhere.test"),
            _ => Token(scope: "notify:admin", key: RandomNumberGenerator.GetBytes(32)),
        };
        var (channel, client) = ClientWith(host, token);
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.Unauthenticated, async () => await client.ListAliasesAsync(new ListAliasesRequest()));

        Assert.Equal("CREDENTIALS_INVALID", info.Reason);
    }

    private static Task<BrokerTestHost> StartAsync() => BrokerTestHost.StartAsync(
        "Security:Jwt:Issuer=" + Issuer,
        "Security:Jwt:Audience=" + Audience,
        "Security:Jwt:SigningKey=" + Convert.ToBase64String(SigningKey));

    private static string Token(string? scope = null, string[]? scp = null, DateTime? expires = null, string audience = Audience, string issuer = Issuer, byte[]? key = null)
    {
        var claims = new List<Claim> { new("sub", "robot-7") };
        if (scope is not null)
        {
            claims.Add(new Claim("scope", scope));
        }

        claims.AddRange((scp ?? []).Select(static s => new Claim("scp", s)));
        var notAfter = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = notAfter.AddMinutes(-10),
            IssuedAt = notAfter.AddMinutes(-10),
            Expires = notAfter,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
