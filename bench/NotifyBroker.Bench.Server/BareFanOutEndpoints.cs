using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// The fan-out ceiling: Subscribe and Broadcast on plain Kestrel, speaking the notify.v1 wire format just far enough
/// for bench/fanout/nbfanout (an Open event first, then one WindowMessage event per broadcast carrying its wParam
/// and lParam). Each broadcast is encoded once and handed to every stream's bounded queue; each stream drains its
/// queue into the response, flushing once per batch. No history, filters or positions: what is left is the least
/// any broker on Kestrel pays per delivery and per idle stream.
/// </summary>
internal static class BareFanOutEndpoints
{
    public const string Prefix = "/bare/fanout";

    // Deep enough that a publisher limited to a few broadcasts ahead (nbfanout --max-ahead) never fills it.
    private const int QueueCapacity = 1024;

    // Event{open: Open{}} = field 10, length 0.
    private static readonly byte[] FramedOpenEvent = [0, 0, 0, 0, 2, 0x52, 0x00];

    // BroadcastReply{result: 1}.
    private static readonly byte[] FramedBroadcastReply = [0, 0, 0, 0, 2, 0x08, 0x01];

    private static readonly object SubscribersLock = new();
    private static Channel<byte[]>[] subscribers = [];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Prefix + "/Subscribe", SubscribeAsync);
        endpoints.MapPost(Prefix + "/Broadcast", BroadcastAsync);
    }

    private static async Task SubscribeAsync(HttpContext context)
    {
        await RequestBody.DrainAsync(context.Request.BodyReader);
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
        Update(list => [.. list, queue]);
        try
        {
            context.Response.ContentType = "application/grpc";
            var output = context.Response.BodyWriter;
            await output.WriteAsync(FramedOpenEvent, context.RequestAborted);
            var reader = queue.Reader;
            while (await reader.WaitToReadAsync(context.RequestAborted))
            {
                while (reader.TryRead(out var framed))
                {
                    output.Write(framed);
                }

                await output.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The subscriber went away: nothing to answer.
        }
        finally
        {
            Update(list => Array.FindAll(list, q => q != queue));
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task BroadcastAsync(HttpContext context)
    {
        var (wParam, lParam) = await ReadBroadcastAsync(context.Request.BodyReader);
        var framed = FrameWindowMessageEvent(wParam, lParam);
        foreach (var queue in Volatile.Read(ref subscribers))
        {
            queue.Writer.TryWrite(framed);
        }

        context.Response.ContentType = "application/grpc";
        await context.Response.BodyWriter.WriteAsync(FramedBroadcastReply);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static void Update(Func<Channel<byte[]>[], Channel<byte[]>[]> change)
    {
        lock (SubscribersLock)
        {
            Volatile.Write(ref subscribers, change(subscribers));
        }
    }

    // Event{window_message: WindowMessage{id: 0xC000, wparam, lparam, source: MESSAGE_SOURCE_BROADCAST_RPC}}.
    private static byte[] FrameWindowMessageEvent(ulong wParam, long lParam)
    {
        var inner = CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeUInt32Size(0xC000)
            + CodedOutputStream.ComputeTagSize(3) + CodedOutputStream.ComputeUInt64Size(wParam)
            + CodedOutputStream.ComputeTagSize(4) + CodedOutputStream.ComputeInt64Size(lParam)
            + CodedOutputStream.ComputeTagSize(6) + CodedOutputStream.ComputeEnumSize(1);
        var size = CodedOutputStream.ComputeTagSize(12) + CodedOutputStream.ComputeLengthSize(inner) + inner;
        var message = new byte[size];
        var output = new CodedOutputStream(message);
        output.WriteTag(12, WireFormat.WireType.LengthDelimited);
        output.WriteLength(inner);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteUInt32(0xC000);
        output.WriteTag(3, WireFormat.WireType.Varint);
        output.WriteUInt64(wParam);
        output.WriteTag(4, WireFormat.WireType.Varint);
        output.WriteInt64(lParam);
        output.WriteTag(6, WireFormat.WireType.Varint);
        output.WriteEnum(1);
        output.CheckNoSpaceLeft();
        var framed = new byte[BenchMessages.PrefixLength + size];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)size);
        message.CopyTo(framed, BenchMessages.PrefixLength);
        return framed;
    }

    private static async Task<(ulong WParam, long LParam)> ReadBroadcastAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }

            var body = result.Buffer;
            ulong wParam = 0;
            long lParam = 0;
            if (body.Length > BenchMessages.PrefixLength)
            {
                var input = new CodedInputStream(body.Slice(BenchMessages.PrefixLength).ToArray());
                for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
                {
                    switch (WireFormat.GetTagFieldNumber(tag))
                    {
                        case 5: wParam = input.ReadUInt64(); break;
                        case 6: lParam = input.ReadInt64(); break;
                        default: input.SkipLastField(); break;
                    }
                }
            }

            reader.AdvanceTo(body.End);
            return (wParam, lParam);
        }
    }
}
