using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// Which types the hot path allocates, without external tools: the runtime's GCAllocationTick event fires about
/// every 100 KB allocated and names the type of the allocation that crossed the mark, so counting those events by
/// type gives each type's share of the allocated bytes. Enabled with --alloc-profile; GET /stats/allocations lists
/// the samples since the last GET /stats/allocations?reset=1.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeEventSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEventId = 10;

    private readonly ConcurrentDictionary<string, long> _samples = new(StringComparer.Ordinal);

    public static AllocationSampler? Instance { get; private set; }

    public static void Start() => Instance ??= new AllocationSampler();

    public void Reset() => _samples.Clear();

    public string Report()
    {
        var total = _samples.Values.Sum();
        var text = new StringBuilder();
        text.Append("samples ").Append(total.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var (type, count) in _samples.OrderByDescending(s => s.Value).Take(40))
        {
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append((100.0 * count / Math.Max(1, total)).ToString("F1", CultureInfo.InvariantCulture)).Append("% ")
                .Append(type).Append('\n');
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeEventSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
        {
            return;
        }

        var index = eventData.PayloadNames.IndexOf("TypeName");
        var type = index >= 0 ? eventData.Payload?[index] as string ?? "?" : "?";
        _samples.AddOrUpdate(type, 1, static (_, count) => count + 1);
    }
}
