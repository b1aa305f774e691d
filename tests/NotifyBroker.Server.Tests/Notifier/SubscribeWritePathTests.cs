using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The pump writes the events of a batch into the response body itself, as Grpc.AspNetCore's writer would: the same
/// frames, whatever their size, in order; RESOURCE_EXHAUSTED over Grpc:MaxSendMessageSize; and every message through
/// the writer when the response is compressed or the writer is not Grpc.AspNetCore's own.
/// </summary>
public sealed class SubscribeWritePathTests
{
    // Frames below, at and above one of Kestrel's 4 KiB buffers, and one of many buffers.
    private static readonly int[] PayloadSizes = [0, 10, 3990, 4100, 100, 70_000, 3, 1];

    [Fact]
    public async Task Events_written_in_one_batch_arrive_whole_and_in_order_whatever_their_size()
    {
        await using var host = await BrokerTestHost.StartAsync();
        await PublishAsync(host, PayloadSizes);

        // Replayed from history, so they are all ready at once: one batch.
        using var stream = Streams.Subscribe(host.Grpc, ReplayAll(host));
        await stream.OpenAsync();
        for (var i = 0; i < PayloadSizes.Length; i++)
        {
            var message = (await stream.NextMessageAsync()).WindowMessage;
            Assert.Equal((ulong)i, message.Wparam);
            Assert.Equal(Payload(i, PayloadSizes[i]), message.Payload.CopyData.Bytes.ToByteArray());
        }

        // And live, one at a time.
        await PublishAsync(host, [5000, 7]);
        Assert.Equal(Payload(0, 5000), (await stream.NextMessageAsync()).WindowMessage.Payload.CopyData.Bytes.ToByteArray());
        Assert.Equal(Payload(1, 7), (await stream.NextMessageAsync()).WindowMessage.Payload.CopyData.Bytes.ToByteArray());
    }

    [Fact]
    public async Task A_gzip_response_has_every_event_compressed()
    {
        await using var host = await BrokerTestHost.StartAsync("Grpc:ResponseCompression=gzip");
        int[] sizes = [100, 4100, 0, 30_000];
        await PublishAsync(host, sizes);

        using var client = RawGrpc.CreateClient(host.Address);
        var request = RawGrpc.Request(RawGrpc.Subscribe, RawGrpc.Frame(ReplayAll(host)));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("gzip", Assert.Single(response.Headers.GetValues("grpc-encoding")));

        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var open = await ReadEventAsync(body, timeout.Token);
        Assert.Equal(Event.KindOneofCase.Open, open.KindCase);
        for (var i = 0; i < sizes.Length; i++)
        {
            var message = (await ReadEventAsync(body, timeout.Token)).WindowMessage;
            Assert.Equal(Payload(i, sizes[i]), message.Payload.CopyData.Bytes.ToByteArray());
        }
    }

    [Fact]
    public async Task An_event_over_MaxSendMessageSize_ends_the_stream_with_RESOURCE_EXHAUSTED_after_those_before_it()
    {
        await using var host = await BrokerTestHost.StartAsync("Grpc:MaxSendMessageSize=2048");
        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA } });
        await stream.OpenAsync();

        await PublishAsync(host, [100, 4000, 10]);

        var (events, failure) = await stream.ReadUntilFailureAsync();
        Assert.Equal(Payload(0, 100), Assert.Single(events).WindowMessage.Payload.CopyData.Bytes.ToByteArray());
        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        Assert.Equal("Sending message exceeds the maximum configured message size.", failure.Status.Detail);
    }

    [Fact]
    public async Task A_stream_writer_wrapped_by_an_interceptor_sees_every_message()
    {
        var counter = new WriteCounter();
        await using var host = await BrokerTestHost.StartAsync(builder =>
        {
            builder.Services.AddSingleton(counter);
            builder.Services.Configure<GrpcServiceOptions>(static grpc => grpc.Interceptors.Add<WrappingInterceptor>());
        });
        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA } });
        await stream.OpenAsync();

        int[] sizes = [1, 2, 3, 4, 5, 6, 7, 8];
        await PublishAsync(host, sizes);
        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(Payload(i, sizes[i]), (await stream.NextMessageAsync()).WindowMessage.Payload.CopyData.Bytes.ToByteArray());
        }

        // The Open event and every event went through the wrapper (a keepalive may have, too).
        Assert.True(counter.Writes >= 1 + sizes.Length, $"the wrapper saw {counter.Writes} writes");
    }

    private static SubscribeRequest ReplayAll(BrokerTestHost host) => new()
    {
        MessageIds = { WM_COPYDATA },
        After = new Position { Offset = 0, Epoch = host.Broker.Epoch },
    };

    /// <summary>WM_COPYDATA broadcasts, the i-th with wParam i and <see cref="Payload"/>(i, size) as its bytes.</summary>
    private static async Task PublishAsync(BrokerTestHost host, int[] sizes)
    {
        for (var i = 0; i < sizes.Length; i++)
        {
            await host.Client.BroadcastAsync(new BroadcastRequest
            {
                MessageId = WM_COPYDATA,
                Wparam = (ulong)i,
                Payload = new Payload { CopyData = new CopyData { Data = 1, Bytes = ByteString.CopyFrom(Payload(i, sizes[i])) } },
            });
        }
    }

    private static byte[] Payload(int seed, int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    /// <summary>The next message of a raw response body, which must be gzip-compressed (flag 1).</summary>
    private static async Task<Event> ReadEventAsync(Stream body, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        await body.ReadExactlyAsync(prefix, cancellationToken);
        Assert.Equal(1, prefix[0]);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        await body.ReadExactlyAsync(payload, cancellationToken);
        using var inflated = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(inflated, cancellationToken);
        }

        return Event.Parser.ParseFrom(inflated.ToArray());
    }

    private sealed class WriteCounter
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public void Add() => Interlocked.Increment(ref _writes);
    }

    /// <summary>Hands Subscribe a writer of its own around Grpc.AspNetCore's, as an observing interceptor would.</summary>
    private sealed class WrappingInterceptor(WriteCounter counter) : Interceptor
    {
        public override Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
            continuation(request, new CountingWriter<TResponse>(responseStream, counter), context);
    }

    private sealed class CountingWriter<T>(IServerStreamWriter<T> inner, WriteCounter counter) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message)
        {
            counter.Add();
            return inner.WriteAsync(message);
        }
    }
}
