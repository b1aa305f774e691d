// The soak driver of bench/soak.sh (see bench/README.md, "Soak"). It starts nothing: soak.sh starts the broker (the
// bench server's --notifier, the real BrokerHost, with authentication on) and passes its port and pid.
//
// Usage: NotifyBroker.Bench.Soak --port N --pid N --seconds N --csv FILE [--rate 500] [--subscribers 50] [--slow 3]
// The admin key comes from NB_BENCH_KEY in the environment (never the command line).
//
// For --seconds it: publishes --rate events/s (half Send to an alias, half Broadcast of a registered message), each
// carrying its publish time (Stopwatch ticks: the Send's text, the Broadcast's wParam); keeps --subscribers streams
// with no filter (so every event reaches each of them and their offsets must be consecutive), one of which holds the
// alias; closes one of the others every second and reopens it after the last position it saw (the periodic resume:
// its Open must say recovered and its next offset must follow on); keeps --slow slow readers (a pause every 100
// events and a long stall every 20 s, so the broker may end them with SLOW_CONSUMER; the client resumes them); and
// every 10 s samples the broker process (VmRSS, threads, open fds from /proc, GC heap from its GET /stats) into the CSV.
// A lost delivery is an offset skipped on a stream that the broker said continues without a gap (a live stream, or an
// Open with recovered=true); a resume the broker answers with recovered=false is counted apart (history no longer
// held the events: not a loss the broker hid).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using NotifyBroker.Client;
using NotifyBroker.Client.Credentials;
using NotifyBroker.Contracts.V1;

var inv = CultureInfo.InvariantCulture;
var options = ParseArgs(args);
int port = int.Parse(options.GetValueOrDefault("port") ?? throw new ArgumentException("--port is required"), inv);
int pid = int.Parse(options.GetValueOrDefault("pid") ?? throw new ArgumentException("--pid is required"), inv);
int seconds = int.Parse(options.GetValueOrDefault("seconds") ?? "600", inv);
string csvPath = options.GetValueOrDefault("csv") ?? throw new ArgumentException("--csv is required");
int rate = int.Parse(options.GetValueOrDefault("rate") ?? "500", inv);
int subscriberCount = int.Parse(options.GetValueOrDefault("subscribers") ?? "50", inv);
int slowCount = int.Parse(options.GetValueOrDefault("slow") ?? "3", inv);
string key = Environment.GetEnvironmentVariable("NB_BENCH_KEY") is { Length: >= 16 } k ? k : throw new ArgumentException("NB_BENCH_KEY must be set (16+ characters)");
var address = new Uri($"http://127.0.0.1:{port}");
const string Alias = "NBSOAK";
const string RegisteredName = "NotifyBroker.Bench.Soak";

var stats = new Stats();
using var stop = new CancellationTokenSource();
var channels = new List<GrpcChannel>();
GrpcChannel NewChannel()
{
    var channelOptions = new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        MaxReceiveMessageSize = 4 * 1024 * 1024,
    };
    BrokerChannel.Configure(channelOptions, address, key);
    var channel = GrpcChannel.ForAddress(address, channelOptions);
    lock (channels)
    {
        channels.Add(channel);
    }

    return channel;
}

var noResume = new SubscriptionOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) };

// --- subscribers --------------------------------------------------------------------------------------------------
var fast = new FastSubscriber[subscriberCount];
var subscriberChannels = new List<NotifierClient>();
for (int i = 0; i < (subscriberCount + 9) / 10; i++)
{
    subscriberChannels.Add(new NotifierClient(NewChannel()));
}

for (int i = 0; i < subscriberCount; i++)
{
    fast[i] = new FastSubscriber(i, subscriberChannels[i / 10], holdsAlias: i == 0, stats, noResume);
}

var subscriberTasks = fast.Select(s => Task.Run(() => s.RunAsync(stop.Token))).ToList();
var slow = Enumerable.Range(0, slowCount).Select(i => new SlowSubscriber(i, new NotifierClient(NewChannel()), stats, noResume)).ToArray();
subscriberTasks.AddRange(slow.Select(s => Task.Run(() => s.RunAsync(stop.Token))));

// Wait until every fast subscriber is open and the alias is held, so the first Sends have a recipient.
var openDeadline = Stopwatch.StartNew();
while (fast.Any(s => !s.IsOpen) && openDeadline.Elapsed < TimeSpan.FromSeconds(30))
{
    await Task.Delay(50);
}

if (fast.Any(s => !s.IsOpen))
{
    Console.Error.WriteLine("soak: not every subscriber opened within 30 s");
    return 1;
}

await Task.Delay(500);

// --- publisher ----------------------------------------------------------------------------------------------------
var publisher = new NotifierClient(NewChannel());
var publisherTask = Task.Run(async () =>
{
    using var inflight = new SemaphoreSlim(128);
    var clock = Stopwatch.StartNew();
    long issued = 0;
    while (!stop.IsCancellationRequested && clock.Elapsed.TotalSeconds < seconds)
    {
        long due = (long)(clock.Elapsed.TotalSeconds * rate);
        while (issued < due && !stop.IsCancellationRequested)
        {
            await inflight.WaitAsync();
            long n = issued++;
            _ = PublishOneAsync(n).ContinueWith(_ => inflight.Release(), TaskScheduler.Default);
        }

        await Task.Delay(5);
    }

    for (int i = 0; i < 128; i++)
    {
        await inflight.WaitAsync();
    }
});

async Task PublishOneAsync(long n)
{
    var now = Stopwatch.GetTimestamp();
    try
    {
        if ((n & 1) == 0)
        {
            await publisher.SendAsync(new SendRequest { MsgName = Alias, Text = now.ToString(inv) });
            Interlocked.Increment(ref stats.Sends);
        }
        else
        {
            await publisher.BroadcastAsync(new BroadcastRequest
            {
                Flags = 0x10, Recipients = 0x8, RegisteredName = RegisteredName, Wparam = (ulong)now, Lparam = n,
            });
            Interlocked.Increment(ref stats.Broadcasts);
        }
    }
    catch (Exception error) when (error is NotifyException or RpcException)
    {
        if (Interlocked.Increment(ref stats.PublishErrors) <= 5)
        {
            Console.Error.WriteLine($"soak: publish failed: {error.Message}");
        }
    }
}

// --- churn: one fast subscriber (never the alias holder) closed and resumed per second -----------------------------
var churnTask = Task.Run(async () =>
{
    int next = 1;
    while (!stop.IsCancellationRequested && subscriberCount > 1)
    {
        try
        {
            await Task.Delay(1000, stop.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }

        fast[next].Churn();
        next = next + 1 >= subscriberCount ? 1 : next + 1;
    }
});

// --- sampler ------------------------------------------------------------------------------------------------------
using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
using var csv = new StreamWriter(csvPath, append: false, Encoding.UTF8);
csv.WriteLine("t_s,rss_kb,threads,fds,gc_heap_kb,published,publish_errors,deliveries,lost,duplicates,unrecovered_resumes,recovered_resumes,churns,slow_cuts,slow_deliveries,p50_us,p99_us,max_us,bench_gc_heap_kb");
var samples = new List<Sample>();
var run = Stopwatch.StartNew();
var interval = TimeSpan.FromSeconds(10);
for (int tick = 0; ; tick++)
{
    var wait = interval * tick - run.Elapsed;
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }

    var sample = await TakeSampleAsync((int)Math.Round(run.Elapsed.TotalSeconds));
    samples.Add(sample);
    csv.WriteLine(sample.ToCsv());
    csv.Flush();
    Console.Error.WriteLine($"soak: t={sample.T}s rss={sample.RssKb} KB gc={sample.GcHeapKb} KB threads={sample.Threads} fds={sample.Fds} published={sample.Published} deliveries={sample.Deliveries} lost={sample.Lost} p99={sample.P99Us} us");
    if (run.Elapsed.TotalSeconds >= seconds)
    {
        break;
    }
}

// --- drain and end ------------------------------------------------------------------------------------------------
await publisherTask;
await Task.Delay(3000);
long head = await HeadOffsetAsync();
var behind = fast.Select(s => head - s.LastOffset).ToArray();
stop.Cancel();
await churnTask;
await Task.WhenAny(Task.WhenAll(subscriberTasks), Task.Delay(10_000));

// --- summary ------------------------------------------------------------------------------------------------------
var report = new StringBuilder();
int windowStart = Math.Max(seconds - 480, seconds / 5);
var window = samples.Where(s => s.T >= windowStart).ToList();
report.AppendLine(inv, $"duration_s {seconds}");
report.AppendLine(inv, $"rate_per_s {rate}");
report.AppendLine(inv, $"subscribers {subscriberCount}");
report.AppendLine(inv, $"slow_readers {slowCount}");
report.AppendLine(inv, $"window_s {windowStart}-{(window.Count > 0 ? window[^1].T : 0)}");
AppendSlope("rss", window, s => s.RssKb, "KB");
AppendSlope("gc_heap", window, s => s.GcHeapKb, "KB");
AppendSlope("threads", window, s => s.Threads, "");
AppendSlope("fds", window, s => s.Fds, "");
report.AppendLine(inv, $"published {stats.Sends + stats.Broadcasts} (sends {stats.Sends}, broadcasts {stats.Broadcasts})");
report.AppendLine(inv, $"publish_errors {stats.PublishErrors}");
report.AppendLine(inv, $"deliveries {stats.Deliveries}");
report.AppendLine(inv, $"lost {stats.Lost}");
report.AppendLine(inv, $"duplicates {stats.Duplicates}");
report.AppendLine(inv, $"churns {stats.Churns}");
report.AppendLine(inv, $"recovered_resumes {stats.RecoveredResumes}");
report.AppendLine(inv, $"unrecovered_resumes {stats.UnrecoveredResumes} (events skipped by them: {stats.UnrecoveredSkipped})");
report.AppendLine(inv, $"slow_cuts {stats.SlowCuts} (reasons: {string.Join(", ", stats.CutReasons.Select(kv => $"{kv.Key} x{kv.Value}"))})");
report.AppendLine(inv, $"slow_deliveries {stats.SlowDeliveries}");
report.AppendLine(inv, $"subscriber_failures {stats.SubscriberFailures}");
report.AppendLine(inv, $"behind_head_at_end max {behind.Max()} (head offset {head}; after 3 s of drain)");
report.AppendLine("latency_per_minute (publish -> delivery, fast subscribers; minute p50_us p99_us max_us deliveries)");
for (int m = 0; m < stats.Minutes.Length; m++)
{
    var h = stats.Minutes[m];
    long count = h.Count;
    if (count == 0)
    {
        continue;
    }

    report.AppendLine(inv, $"  minute {m + 1} {h.Percentile(0.50)} {h.Percentile(0.99)} {h.Max} {count}");
}

report.AppendLine(inv, $"latency_overall p50_us {stats.Total.Percentile(0.50)} p99_us {stats.Total.Percentile(0.99)} p999_us {stats.Total.Percentile(0.999)} max_us {stats.Total.Max}");
Console.Write(report.ToString());
File.WriteAllText(Path.ChangeExtension(csvPath, ".summary.txt"), report.ToString());
foreach (var channel in channels)
{
    channel.Dispose();
}

return stats.Lost == 0 && stats.Duplicates == 0 ? 0 : 3;

void AppendSlope(string name, List<Sample> points, Func<Sample, double> value, string unit)
{
    if (points.Count < 3)
    {
        report.AppendLine(inv, $"{name}_slope n/a ({points.Count} samples)");
        return;
    }

    double n = points.Count, mx = points.Average(p => p.T / 60.0), my = points.Average(value);
    double sxx = points.Sum(p => Math.Pow(p.T / 60.0 - mx, 2)), sxy = points.Sum(p => (p.T / 60.0 - mx) * (value(p) - my));
    double slope = sxy / sxx, intercept = my - slope * mx;
    double residual = Math.Sqrt(points.Sum(p => Math.Pow(value(p) - (intercept + slope * p.T / 60.0), 2)) / (n - 2));
    double se = residual / Math.Sqrt(sxx);
    double minutes = (points[^1].T - points[0].T) / 60.0;
    report.AppendLine(inv, $"{name}_slope {slope:F1} {unit}/min ±{2 * se:F1} (2 SE); mean {my:F0} {unit}; drift over the window {100 * slope * minutes / my:F2} % of mean; residual sd {residual:F0} {unit}; min {points.Min(value):F0} max {points.Max(value):F0}");
}

async Task<Sample> TakeSampleAsync(int t)
{
    long rss = 0, threads = 0, fds = 0, gcHeap = -1;
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], inv);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = long.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[1], inv);
            }
        }

        fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
    }
    catch (IOException error)
    {
        Console.Error.WriteLine($"soak: cannot read /proc/{pid}: {error.Message}");
    }

    try
    {
        var text = await http.GetStringAsync(new Uri(address, "/stats"));
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == "gc_heap_bytes")
            {
                gcHeap = long.Parse(parts[1], inv) / 1024;
            }
        }
    }
    catch (HttpRequestException error)
    {
        Console.Error.WriteLine($"soak: GET /stats failed: {error.Message}");
    }

    var interval = Interlocked.Exchange(ref stats.Interval, new Histogram());
    return new Sample(t, rss, threads, fds, gcHeap, stats.Sends + stats.Broadcasts, stats.PublishErrors, stats.Deliveries, stats.Lost,
        stats.Duplicates, stats.UnrecoveredResumes, stats.RecoveredResumes, stats.Churns, stats.SlowCuts, stats.SlowDeliveries,
        interval.Percentile(0.50), interval.Percentile(0.99), interval.Max, GC.GetTotalMemory(false) / 1024);
}

async Task<long> HeadOffsetAsync()
{
    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
    using var call = publisher.Grpc.Subscribe(new SubscribeRequest(), cancellationToken: cts.Token);
    await call.ResponseStream.MoveNext(cts.Token);
    return (long)call.ResponseStream.Current.Position.Offset;
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>();
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}

internal sealed record Sample(int T, long RssKb, long Threads, long Fds, long GcHeapKb, long Published, long PublishErrors, long Deliveries,
    long Lost, long Duplicates, long UnrecoveredResumes, long RecoveredResumes, long Churns, long SlowCuts, long SlowDeliveries,
    long P50Us, long P99Us, long MaxUs, long BenchGcHeapKb)
{
    public string ToCsv() => string.Join(',', new long[] { T, RssKb, Threads, Fds, GcHeapKb, Published, PublishErrors, Deliveries, Lost, Duplicates,
        UnrecoveredResumes, RecoveredResumes, Churns, SlowCuts, SlowDeliveries, P50Us, P99Us, MaxUs, BenchGcHeapKb }.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>Latencies in 50 µs buckets up to 20 s (beyond: the last bucket); lock-free increments.</summary>
internal sealed class Histogram
{
    private const int BucketUs = 50;
    private readonly int[] _buckets = new int[400_000];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long Max => Interlocked.Read(ref _max);

    public void Add(long us)
    {
        if (us < 0)
        {
            us = 0;
        }

        Interlocked.Increment(ref _buckets[Math.Min(us / BucketUs, _buckets.Length - 1)]);
        Interlocked.Increment(ref _count);
        long max;
        while (us > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, us, max) != max)
        {
        }
    }

    public long Percentile(double q)
    {
        long count = Count;
        if (count == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(q * count), seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += Volatile.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return (i + 1L) * BucketUs;
            }
        }

        return (long)_buckets.Length * BucketUs;
    }
}

internal sealed class Stats
{
    public long Sends, Broadcasts, PublishErrors, Deliveries, Lost, Duplicates, UnrecoveredResumes, UnrecoveredSkipped, RecoveredResumes, Churns;
    public long SlowCuts, SlowDeliveries, SubscriberFailures;
    public Histogram Interval = new();
    public readonly Histogram Total = new();
    public readonly Histogram[] Minutes = Enumerable.Range(0, 120).Select(_ => new Histogram()).ToArray();
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> CutReasons = new();
    private readonly long _start = Stopwatch.GetTimestamp();

    public void Latency(long publishedAt)
    {
        long now = Stopwatch.GetTimestamp();
        long us = (now - publishedAt) * 1_000_000 / Stopwatch.Frequency;
        Volatile.Read(ref Interval).Add(us);
        Total.Add(us);
        Minutes[Math.Min((now - _start) / Stopwatch.Frequency / 60, Minutes.Length - 1)].Add(us);
    }
}

/// <summary>
/// Offsets of one subscriber's stream of every event: each message must follow the last one seen, across reconnects
/// and resumes, unless the broker said recovered=false.
/// </summary>
internal sealed class OffsetChecker(string name, Stats stats)
{
    public long Last { get; private set; } = -1;

    public string? Epoch { get; private set; }

    /// <summary>An Open event; <paramref name="resumed"/>: the stream asked to resume after <see cref="Last"/>.</summary>
    public void Open(Event open, bool resumed)
    {
        long head = (long)open.Position.Offset;
        if (Epoch is not null && open.Position.Epoch != Epoch)
        {
            Console.Error.WriteLine($"soak: {name}: epoch changed ({Epoch} -> {open.Position.Epoch}): the broker restarted?");
        }

        Epoch = open.Position.Epoch;
        if (!resumed || Last < 0)
        {
            Last = head; // a live start: the stream goes on after the head of history
            return;
        }

        if (open.Open.Recovered)
        {
            Interlocked.Increment(ref stats.RecoveredResumes);
            return;
        }

        Interlocked.Increment(ref stats.UnrecoveredResumes);
        Interlocked.Add(ref stats.UnrecoveredSkipped, Math.Max(0, head - Last));
        Last = head;
    }

    /// <summary>A message or keepalive; true when it is a new message (not a duplicate).</summary>
    public bool Next(Event e)
    {
        long offset = (long)e.Position.Offset;
        if (e.KindCase == Event.KindOneofCase.Keepalive)
        {
            // A keepalive comes when nothing else is to be sent: it carries the head, which this stream must have reached.
            if (Last >= 0 && offset > Last)
            {
                Gap(offset - Last, offset);
                Last = offset;
            }

            return false;
        }

        if (Last >= 0 && offset <= Last)
        {
            Interlocked.Increment(ref stats.Duplicates);
            return false;
        }

        if (Last >= 0 && offset != Last + 1)
        {
            Gap(offset - Last - 1, offset);
        }

        Last = offset;
        return true;
    }

    private void Gap(long missing, long at)
    {
        if (Interlocked.Add(ref stats.Lost, missing) <= 20)
        {
            Console.Error.WriteLine($"soak: {name}: {missing} event(s) missing before offset {at}");
        }
    }
}

internal static class Payloads
{
    /// <summary>The publish time the event carries (Stopwatch ticks), or null for a foreign event.</summary>
    public static long? PublishedAt(Event e) => e.KindCase switch
    {
        Event.KindOneofCase.WindowMessage when e.WindowMessage.RegisteredName == "NotifyBroker.Bench.Soak" => (long)e.WindowMessage.Wparam,
        Event.KindOneofCase.AliasMessage when long.TryParse(e.AliasMessage.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var t) => t,
        _ => null,
    };
}

/// <summary>A subscriber with no filter that reads as fast as it can; <see cref="Churn"/> closes its stream and it reopens after its last position.</summary>
internal sealed class FastSubscriber(int index, NotifierClient client, bool holdsAlias, Stats stats, SubscriptionOptions options)
{
    private readonly OffsetChecker _offsets = new($"subscriber {index}", stats);
    private CancellationTokenSource? _stream;
    private volatile bool _open;

    public bool IsOpen => _open;

    public long LastOffset => _offsets.Last;

    public void Churn()
    {
        Interlocked.Increment(ref stats.Churns);
        Volatile.Read(ref _stream)?.Cancel();
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var stream = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Volatile.Write(ref _stream, stream);
            var request = new SubscribeRequest();
            if (holdsAlias)
            {
                // Held aliases are filters too: a range of every message id keeps the broadcasts in this stream, so
                // it sees every event and its offsets stay consecutive like the others'.
                request.HoldAliases.Add("NBSOAK");
                request.MessageRanges.Add(new MessageRange { First = 0, Last = uint.MaxValue });
            }

            bool resumed = _offsets.Last >= 0;
            if (resumed)
            {
                request.After = new Position { Offset = (ulong)_offsets.Last, Epoch = _offsets.Epoch };
            }

            var subscription = client.SubscribeAsync(request, options, stream.Token);
            bool first = true;
            try
            {
                await foreach (var e in subscription.WithCancellation(stream.Token))
                {
                    if (e.KindCase == Event.KindOneofCase.Open)
                    {
                        // The first Open answers this request; later ones are the client's own reconnects after it.
                        _offsets.Open(e, resumed || !first);
                        first = false;
                        _open = true;
                        continue;
                    }

                    if (_offsets.Next(e) && Payloads.PublishedAt(e) is { } publishedAt)
                    {
                        Interlocked.Increment(ref stats.Deliveries);
                        stats.Latency(publishedAt);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (NotifyException error)
            {
                Interlocked.Increment(ref stats.SubscriberFailures);
                Console.Error.WriteLine($"soak: subscriber {index} failed: {error.Message}");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }
}

/// <summary>A reader that pauses every 100 events and stalls for 8 s every 20 s; the client resumes it when the broker ends it.</summary>
internal sealed class SlowSubscriber(int index, NotifierClient client, Stats stats, SubscriptionOptions options)
{
    private readonly OffsetChecker _offsets = new($"slow reader {index}", stats);

    public async Task RunAsync(CancellationToken stop)
    {
        var resumeOptions = new SubscriptionOptions
        {
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
            OnReconnecting = r =>
            {
                Interlocked.Increment(ref stats.SlowCuts);
                stats.CutReasons.AddOrUpdate(r.Failure.SymbolicName ?? r.Failure.StatusCode.ToString(), 1, (_, n) => n + 1);
            },
        };
        var clock = Stopwatch.StartNew();
        var nextStall = TimeSpan.FromSeconds(15 + 5 * index);
        long read = 0;
        bool first = true;
        try
        {
            await foreach (var e in client.SubscribeAsync(new SubscribeRequest(), resumeOptions, stop).WithCancellation(stop))
            {
                if (e.KindCase == Event.KindOneofCase.Open)
                {
                    _offsets.Open(e, resumed: !first);
                    first = false;
                    continue;
                }

                if (_offsets.Next(e))
                {
                    Interlocked.Increment(ref stats.SlowDeliveries);
                }

                if (++read % 100 == 0)
                {
                    await Task.Delay(20, stop);
                }

                if (clock.Elapsed >= nextStall)
                {
                    await Task.Delay(TimeSpan.FromSeconds(8), stop);
                    nextStall = clock.Elapsed + TimeSpan.FromSeconds(20);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (NotifyException error)
        {
            Interlocked.Increment(ref stats.SubscriberFailures);
            Console.Error.WriteLine($"soak: slow reader {index} failed: {error.Message}");
        }
    }
}
