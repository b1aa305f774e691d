using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>A response body feature over a test's own pipe writer (the pump writes its frames there).</summary>
internal sealed class PipeResponseBody(PipeWriter writer) : IHttpResponseBodyFeature
{
    public Stream Stream => writer.AsStream();

    public PipeWriter Writer => writer;

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CompleteAsync() => Task.CompletedTask;
}

/// <summary>A Subscribe call context that hands out a fake HttpContext the way Grpc.AspNetCore's own does.</summary>
internal sealed class FakeSubscribeCallContext : ServerCallContext
{
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<object, object> _userState = [];

    public FakeSubscribeCallContext(HttpContext httpContext, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _userState["__HttpContext"] = httpContext;
    }

    protected override string MethodCore => "/notify.v1.Notifier/Subscribe";

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
