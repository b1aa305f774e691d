using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Security.RateLimiting;

/// <summary>
/// Per-identity limits on ASP.NET Core's rate limiter: a token bucket of unary calls and a count of open Subscribe
/// streams, each partitioned by the caller's id (so one noisy key cannot starve the others). Over a limit is
/// RESOURCE_EXHAUSTED with ErrorInfo reason RATE_LIMITED ("limit" = calls or open_streams) and a RetryInfo when the
/// limiter knows when to retry. Runs after authorization, so every partition is an authenticated identity. Admin keys
/// are not limited.
/// </summary>
internal static class NotifyRateLimits
{
    /// <summary>The policy of unary calls.</summary>
    public const string Calls = "calls";

    /// <summary>The policy of Subscribe streams.</summary>
    public const string Streams = "open_streams";

    public const string Reason = "RATE_LIMITED";

    public static void AddNotifyRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>(static (limiter, security) =>
        {
            var limits = security.Value.RateLimits;
            limiter.AddPolicy(Calls, context => IsAdmin(context) ? Unlimited : RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, limits.CallBurst),
                TokensPerPeriod = Math.Max(1, limits.CallsPerSecond),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            limiter.AddPolicy(Streams, context => IsAdmin(context) ? Unlimited : RateLimitPartition.GetConcurrencyLimiter(PartitionOf(context), _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = Math.Max(1, limits.OpenStreams),
                QueueLimit = 0,
            }));
            limiter.OnRejected = static (rejected, _) => Reject(rejected.HttpContext, rejected.Lease);
        });
    }

    /// <summary>Admins are the operator's own keys (they can revoke every other key anyway): no limit, one shared partition.</summary>
    private static readonly RateLimitPartition<string> Unlimited = RateLimitPartition.GetNoLimiter("notify:admin");

    private static string PartitionOf(HttpContext context) => CallerClaims.ToCaller(context.User)?.Id ?? "";

    private static bool IsAdmin(HttpContext context) => CallerClaims.ToCaller(context.User)?.IsAdmin == true;

    private static ValueTask Reject(HttpContext context, RateLimitLease lease)
    {
        var streams = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Streams;
        TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : null;
        var message = streams
            ? "This identity has as many Subscribe streams open as it may; close one first."
            : "This identity is over its call rate; retry after the delay in RetryInfo.";
        var metadata = new Dictionary<string, string> { ["limit"] = streams ? Streams : Calls };
        if (retryAfter is { } wait)
        {
            metadata["retry_after_ms"] = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return new ValueTask(GrpcErrorResponse.WriteAsync(context, StatusCode.ResourceExhausted, message, Reason, metadata, retryAfter));
    }
}
