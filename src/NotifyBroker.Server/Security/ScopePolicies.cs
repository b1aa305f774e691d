using Microsoft.AspNetCore.Authorization;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Security;

/// <summary>
/// The authorization policies of the RPCs, one per scope, named after it (so <c>[Authorize(ScopePolicies.Send)]</c>
/// reads as the scope it needs). Subscribe takes either notify:subscribe or notify:aliases: the core then limits the
/// stream to what the caller may see.
/// </summary>
internal static class ScopePolicies
{
    public const string Send = BrokerScopes.Send;
    public const string Broadcast = BrokerScopes.Broadcast;
    public const string Aliases = BrokerScopes.Aliases;
    public const string Admin = BrokerScopes.Admin;
    public const string Subscribe = BrokerScopes.Subscribe + " " + BrokerScopes.Aliases;

    public static void Add(AuthorizationOptions options)
    {
        foreach (var scope in new[] { Send, Broadcast, Aliases, Admin })
        {
            options.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
        }

        options.AddPolicy(Subscribe, static policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(BrokerScopes.Subscribe, BrokerScopes.Aliases)));

        // Anything mapped without a policy of its own (reflection, services added later) still needs an identity.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
