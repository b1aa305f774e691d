using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// GET /stats: the process's own counters as "name value" lines, read by bench/run.sh before and after each run
/// (allocations per call are the first thing to look at when the gRPC stack is slow). GET /stats?gc=1 collects first,
/// for heap-per-subscriber figures. GET /stats/allocations: sampled allocations by type (see AllocationSampler).
/// </summary>
internal static class StatsEndpoint
{
    public const string Path = "/stats";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Anonymous: the broker host's fallback policy wants an identity for everything mapped without a policy.
        endpoints.MapGet(Path, Counters).AllowAnonymous();
        endpoints.MapGet(Path + "/allocations", (HttpContext context) =>
        {
            var sampler = AllocationSampler.Instance;
            if (sampler is null)
            {
                return Results.Text("start the server with --alloc-profile\n", statusCode: StatusCodes.Status404NotFound);
            }

            var report = sampler.Report();
            if (context.Request.Query.ContainsKey("reset"))
            {
                sampler.Reset();
            }

            return Results.Text(report);
        }).AllowAnonymous();
    }

    private static IResult Counters(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("gc"))
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        using var process = Process.GetCurrentProcess();
        var text = new StringBuilder();
        Line(text, "allocated_bytes", GC.GetTotalAllocatedBytes(precise: true));
        Line(text, "gc_heap_bytes", GC.GetTotalMemory(forceFullCollection: false));
        Line(text, "gen0_collections", GC.CollectionCount(0));
        Line(text, "gen1_collections", GC.CollectionCount(1));
        Line(text, "gen2_collections", GC.CollectionCount(2));
        Line(text, "working_set_bytes", process.WorkingSet64);
        Line(text, "threads", process.Threads.Count);
        Line(text, "thread_pool_threads", ThreadPool.ThreadCount);
        Line(text, "server_gc", System.Runtime.GCSettings.IsServerGC ? 1 : 0);
        return Results.Text(text.ToString());
    }

    private static void Line(StringBuilder text, string name, long value) =>
        text.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
