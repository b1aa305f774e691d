namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// A fresh <see cref="TestGrpcServer"/> and an HTTP/2 client to it for every test, so that no test sees another's
/// connections or server state; both are disposed when the test ends.
/// </summary>
public abstract class ServerTestBase : IAsyncLifetime
{
    private TestGrpcServer? _server;
    private HttpClient? _client;

    private protected TestGrpcServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    protected HttpClient Client => _client ?? throw new InvalidOperationException("The client is created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        _server = await StartServerAsync();
        _client = _server.CreateHttp2Client();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Starts the server under test; override to start it with other options or services.</summary>
    private protected virtual Task<TestGrpcServer> StartServerAsync() => TestGrpcServer.StartAsync();
}
