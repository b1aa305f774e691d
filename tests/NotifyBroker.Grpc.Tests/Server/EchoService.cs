using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http.Features;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// The service the server tests call. Its behaviour is steered by the request (delay, failure, repeat, encoding,
/// and a few named modes in <c>text</c>), and it records what the handler observed so tests can assert on the
/// server side of a call (cancellation seen, metadata received, compression flags).
/// </summary>
internal sealed class EchoService
{
    // Messages only are generated (GrpcServices="None"): the service comes from the file descriptor.
    public static readonly ServiceDescriptor Service = TestEchoReflection.Descriptor.Services.Single(s => s.Name == "Echo");

    public static readonly Method<EchoRequest, EchoResponse> UnaryMethod = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "Unary");
    public static readonly Method<EchoRequest, EchoResponse> ClientStreamMethod = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "ClientStream");
    public static readonly Method<EchoRequest, EchoResponse> ServerStreamMethod = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "ServerStream");
    public static readonly Method<EchoRequest, EchoResponse> DuplexMethod = MethodLookup.Find<EchoRequest, EchoResponse>(Service, "Duplex");

    public EchoService()
    {
        Definition = ServiceDefinition.CreateBuilder(Service)
            .AddUnary(UnaryMethod, UnaryAsync)
            .AddClientStreaming(ClientStreamMethod, ClientStreamAsync)
            .AddServerStreaming(ServerStreamMethod, ServerStreamAsync)
            .AddDuplexStreaming(DuplexMethod, DuplexAsync)
            .Build();
    }

    public ServiceDefinition Definition { get; }

    /// <summary>Completes with true when a handler saw its call's CancellationToken fire.</summary>
    public TaskCompletionSource<bool> HandlerSawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a handler has started waiting (so a test knows when to cancel or disconnect).</summary>
    public TaskCompletionSource HandlerWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<Exception?> OverlappingWriteOutcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What a "write-until-canceled" handler's writing ended with.</summary>
    public TaskCompletionSource<Exception> StreamingWriteOutcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What a "read-until-reset" handler's MoveNext ended with: the exception, or null if it returned.</summary>
    public TaskCompletionSource<Exception?> RequestReadOutcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerCallContext? LastContext { get; private set; }

    /// <summary>The request body size limit as the handler found it (null = disabled).</summary>
    public long? LastMaxRequestBodySize { get; private set; }

    /// <summary>Peer, host and deadline as the last handler saw them (the HttpContext is gone after the call).</summary>
    public (string Peer, string Host, DateTime Deadline)? LastCallFacts { get; private set; }

    public int ActiveCalls => _activeCalls;

    private int _activeCalls;

    private async Task<EchoResponse> UnaryAsync(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _activeCalls);
        try
        {
            LastContext = context;
            RecordCallFacts(context);
            await EchoInitialMetadataAsync(context);
            EchoTrailingMetadata(context);
            if (request.ResponseEncoding.Length > 0)
            {
                context.ResponseEncoding = request.ResponseEncoding;
            }

            if (request.DelayMs > 0)
            {
                await WaitAsync(TimeSpan.FromMilliseconds(request.DelayMs), context.CancellationToken);
            }

            if (request.Text == "throw")
            {
                throw new InvalidOperationException("secret internals: connection string=xyz");
            }

            if (request.Text == "no-response")
            {
                return null!;
            }

            if (request.Text == "status-without-exception")
            {
                context.Status = new Status((StatusCode)request.FailWithCode, request.FailWithMessage);
                return new EchoResponse { Text = "ignored" };
            }

            if (request.FailWithCode != 0)
            {
                var trailers = new Metadata().Add("x-error-detail", "from-exception");
                throw new RpcException(new Status((StatusCode)request.FailWithCode, request.FailWithMessage), trailers);
            }

            return new EchoResponse
            {
                Text = request.Text,
                Payload = request.Payload,
                Count = 1,
                RequestWasCompressed = context.LastRequestWasCompressed,
            };
        }
        finally
        {
            Interlocked.Decrement(ref _activeCalls);
        }
    }

    private async Task<EchoResponse> ClientStreamAsync(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        LastContext = context;
        RecordCallFacts(context);
        var count = 0;
        var text = new System.Text.StringBuilder();
        var compressedFlags = new List<bool>();
        while (await requests.MoveNext(CancellationToken.None))
        {
            count++;
            text.Append(requests.Current.Text);
            compressedFlags.Add(context.LastRequestWasCompressed);
            if (requests.Current.Text == "read-until-reset")
            {
                await ReadUntilResetAsync(requests);
            }

            if (requests.Current.Text == "wait")
            {
                HandlerWaiting.TrySetResult();
                await WaitAsync(Timeout.InfiniteTimeSpan, context.CancellationToken);
            }
        }

        return new EchoResponse
        {
            Count = count,
            Text = text.ToString() + "|" + string.Join(",", compressedFlags.Select(f => f ? "1" : "0")),
        };
    }

    private async Task ServerStreamAsync(EchoRequest request, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        LastContext = context;
        RecordCallFacts(context);
        await EchoInitialMetadataAsync(context);
        EchoTrailingMetadata(context);
        if (request.ResponseEncoding.Length > 0)
        {
            context.ResponseEncoding = request.ResponseEncoding;
        }

        switch (request.Text)
        {
            case "serialized-batch":
                // Pre-serialized messages, buffered, then one flush: the fan-out pattern.
                responses.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
                for (var i = 0; i < request.Repeat; i++)
                {
                    await responses.WriteSerializedAsync(new EchoResponse { Count = i }.ToByteArray());
                }

                await responses.FlushAsync();
                return;

            case "alternate-compression":
                for (var i = 0; i < request.Repeat; i++)
                {
                    responses.WriteOptions = i % 2 == 1 ? new WriteOptions(WriteFlags.NoCompress) : null;
                    await responses.WriteAsync(new EchoResponse { Count = i, Text = new string('c', 200) });
                }

                return;

            case "overlapping-writes":
                {
                    var big = new EchoResponse { Payload = ByteString.CopyFrom(new byte[4 * 1024 * 1024]) };
                    Exception? outcome = null;
                    var first = responses.WriteAsync(big);
                    try
                    {
                        // The first write cannot have flushed 4 MiB yet: HTTP/2 flow control holds it back.
                        await responses.WriteAsync(new EchoResponse { Text = "second" });
                    }
                    catch (InvalidOperationException ex)
                    {
                        outcome = ex;
                    }

                    await first;
                    OverlappingWriteOutcome.TrySetResult(outcome);
                    return;
                }

            case "write-until-canceled":
                // Messages as fast as the stream takes them, both kinds of write, a flush every tenth, until the
                // call's token (its deadline) stops the handler.
                try
                {
                    responses.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
                    var serialized = new EchoResponse { Text = "serialized" }.ToByteArray();
                    for (var i = 0; ; i++)
                    {
                        if (i % 2 == 0)
                        {
                            await responses.WriteAsync(new EchoResponse { Count = i, Text = "message" });
                        }
                        else
                        {
                            await responses.WriteSerializedAsync(serialized);
                        }

                        if (i % 10 == 9)
                        {
                            await responses.FlushAsync();
                        }
                    }
                }
                catch (Exception ex)
                {
                    StreamingWriteOutcome.TrySetResult(ex);
                    throw;
                }

            case "wait":
                await responses.WriteAsync(new EchoResponse { Text = "first" });
                HandlerWaiting.TrySetResult();
                await WaitAsync(Timeout.InfiniteTimeSpan, context.CancellationToken);
                return;
        }

        for (var i = 0; i < request.Repeat; i++)
        {
            await responses.WriteAsync(new EchoResponse { Text = request.Text, Count = i });
        }

        if (request.FailWithCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailWithCode, request.FailWithMessage));
        }
    }

    private async Task DuplexAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        LastContext = context;
        RecordCallFacts(context);
        var count = 0;
        while (await requests.MoveNext(CancellationToken.None))
        {
            count++;
            await responses.WriteAsync(new EchoResponse { Text = requests.Current.Text, Count = count });
            if (requests.Current.Text == "wait")
            {
                HandlerWaiting.TrySetResult();
                await WaitAsync(Timeout.InfiniteTimeSpan, context.CancellationToken);
            }
        }
    }

    /// <summary>Waits in MoveNext for a message the client never sends (it resets or disconnects instead).</summary>
    private async Task ReadUntilResetAsync(IAsyncStreamReader<EchoRequest> requests)
    {
        HandlerWaiting.TrySetResult();
        try
        {
            await requests.MoveNext(CancellationToken.None);
            RequestReadOutcome.TrySetResult(null);
        }
        catch (Exception ex)
        {
            RequestReadOutcome.TrySetResult(ex);
            throw;
        }
    }

    private void RecordCallFacts(ServerCallContext context)
    {
        LastMaxRequestBodySize = context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        LastCallFacts = (context.Peer, context.Host, context.Deadline);
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            HandlerSawCancellation.TrySetResult(true);
            throw;
        }
    }

    private static Task EchoInitialMetadataAsync(ServerCallContext context)
    {
        var initial = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-initial-", StringComparison.Ordinal)))
        {
            initial.Add(entry);
        }

        return initial.Count > 0 ? context.WriteResponseHeadersAsync(initial) : Task.CompletedTask;
    }

    private static void EchoTrailingMetadata(ServerCallContext context)
    {
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-trailing-", StringComparison.Ordinal)))
        {
            context.ResponseTrailers.Add(entry);
        }
    }
}
