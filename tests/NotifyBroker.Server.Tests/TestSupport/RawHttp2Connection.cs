using NotifyBroker.Tests.Shared;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// An HTTP/2 client written by hand over a TCP socket (RFC 9113): the preface, SETTINGS, and frames the test
/// chooses, with nothing in between that would respect the server's limits (as HttpClient does). A reader answers
/// SETTINGS and PING and records, per stream, the server's resets, response bytes and end of stream.
/// </summary>
internal sealed class RawHttp2Connection : IAsyncDisposable
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8;
    public const byte EndStream = 0x1, EndHeaders = 0x4, Ack = 0x1;
    public const int NoError = 0x0, RefusedStream = 0x7, Cancel = 0x8, EnhanceYourCalm = 0xB;
    public const ushort SettingsMaxConcurrentStreams = 0x3, SettingsInitialWindowSize = 0x4;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _gate = new();
    private readonly Dictionary<int, int> _resets = [];
    private readonly Dictionary<int, MemoryStream> _data = [];
    private readonly HashSet<int> _ended = [];
    private readonly Dictionary<ushort, uint> _serverSettings = [];
    private readonly TaskCompletionSource _serverSettingsReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<long, TaskCompletionSource> _pings = [];
    private Task _reader = Task.CompletedTask;
    private long _nextPing;

    private RawHttp2Connection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Error code of the server's GOAWAY, once one came.</summary>
    public int? GoAwayErrorCode { get; private set; }

    /// <summary>Completes when the server closed the connection (or it failed).</summary>
    public Task Closed => _reader;

    /// <summary>The address the connection went to, for :authority.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Streams the server reset, with their error codes.</summary>
    public IReadOnlyDictionary<int, int> Resets
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<int, int>(_resets);
            }
        }
    }

    public static Task<RawHttp2Connection> ConnectAsync(string address) => ConnectAsync(new Uri(address));

    public static async Task<RawHttp2Connection> ConnectAsync(Uri address)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port);
        var connection = new RawHttp2Connection(socket) { Address = address };
        connection._reader = Task.Run(connection.ReadLoopAsync);

        // Our receive windows as large as allowed, so the server never waits for a WINDOW_UPDATE from us.
        var settings = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(settings, SettingsInitialWindowSize);
        BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), int.MaxValue);
        var increment = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(increment, int.MaxValue - 65_535);
        await connection.WriteAsync([.. Preface, .. Frame(Settings, 0, 0, settings), .. Frame(WindowUpdate, 0, 0, increment)]);
        await connection._serverSettingsReceived.Task.WaitAsync(Streams.Patience);
        return connection;
    }

    public uint? ServerSetting(ushort id)
    {
        lock (_gate)
        {
            return _serverSettings.TryGetValue(id, out var value) ? value : null;
        }
    }

    public int? ResetCode(int streamId)
    {
        lock (_gate)
        {
            return _resets.TryGetValue(streamId, out var code) ? code : null;
        }
    }

    public bool HasEnded(int streamId)
    {
        lock (_gate)
        {
            return _ended.Contains(streamId);
        }
    }

    public byte[] DataOf(int streamId)
    {
        lock (_gate)
        {
            return _data.TryGetValue(streamId, out var data) ? data.ToArray() : [];
        }
    }

    /// <summary>
    /// Sends a PING and waits for its ACK. The server handles frames in order and writes its answers in order, so
    /// once the ACK is here, every answer to the frames sent before it (resets, refusals) is here too.
    /// False when the server closed the connection instead.
    /// </summary>
    public async Task<bool> RoundTripAsync()
    {
        var id = Interlocked.Increment(ref _nextPing);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pings[id] = acked;
        }

        var payload = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, id);
        if (_reader.IsCompleted)
        {
            return false;
        }

        try
        {
            await WriteAsync(Frame(Ping, 0, 0, payload));
        }
        catch (IOException)
        {
            // The server reset the connection under the write (the reader sees it too).
            return false;
        }

        return await Task.WhenAny(acked.Task, _reader).WaitAsync(Streams.Patience) == acked.Task;
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public static byte[] Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId & int.MaxValue);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    /// <summary>The request headers of a gRPC call to <paramref name="path"/> (a HEADERS payload).</summary>
    public byte[] GrpcRequestHeaders(string path) => HeaderBlock(
        (":method", "POST"),
        (":scheme", "http"),
        (":path", path),
        (":authority", Address.Authority),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
        ("authorization", "Bearer " + InProcessBrokerHost.AdminKey));

    /// <summary>HEADERS (END_HEADERS, no END_STREAM) opening a gRPC call to <paramref name="path"/> on <paramref name="streamId"/>.</summary>
    public byte[] OpenCall(int streamId, string path) => Frame(Headers, EndHeaders, streamId, GrpcRequestHeaders(path));

    /// <summary>The request message on <paramref name="streamId"/> as one DATA frame with END_STREAM.</summary>
    public static byte[] LastMessage(int streamId, byte[] grpcMessage) => Frame(Data, EndStream, streamId, grpcMessage);

    public static byte[] ResetFrame(int streamId, int errorCode)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, errorCode);
        return Frame(RstStream, 0, streamId, payload);
    }

    /// <summary>
    /// An HPACK header block (RFC 7541) of literal fields without indexing, new names, no Huffman coding: every
    /// field spelt out, so it is valid at any point of the connection whatever the dynamic table holds.
    /// </summary>
    public static byte[] HeaderBlock(params (string Name, string Value)[] fields)
    {
        var block = new List<byte>();
        foreach (var (name, value) in fields)
        {
            block.Add(0x00); // 6.2.2: literal header field without indexing, new name
            AppendString(block, name);
            AppendString(block, value);
        }

        return [.. block];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The server already reset the connection.
        }

        await _stream.DisposeAsync();
        await _reader.ContinueWith(static _ => { }, TaskScheduler.Default);
        _writeLock.Dispose();
    }

    private static void AppendString(List<byte> block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        AppendInteger(block, bytes.Length); // H bit 0: not Huffman coded
        block.AddRange(bytes);
    }

    private static void AppendInteger(List<byte> block, int value)
    {
        // 5.1 with a 7-bit prefix.
        const int max = 0x7F;
        if (value < max)
        {
            block.Add((byte)value);
            return;
        }

        block.Add(max);
        value -= max;
        while (value >= 0x80)
        {
            block.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        block.Add((byte)value);
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[9];
        while (true)
        {
            await _stream.ReadExactlyAsync(header);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var type = header[3];
            var flags = header[4];
            var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload);
            await OnFrameAsync(type, flags, streamId, payload);
        }
    }

    private async Task OnFrameAsync(byte type, byte flags, int streamId, byte[] payload)
    {
        switch (type)
        {
            case Settings when (flags & Ack) == 0:
                lock (_gate)
                {
                    for (var i = 0; i + 6 <= payload.Length; i += 6)
                    {
                        _serverSettings[BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2));
                    }
                }

                await WriteAsync(Frame(Settings, Ack, 0, []));
                _serverSettingsReceived.TrySetResult();
                break;
            case Ping when (flags & Ack) == 0:
                await WriteAsync(Frame(Ping, Ack, 0, payload));
                break;
            case Ping:
                TaskCompletionSource? acked;
                lock (_gate)
                {
                    _pings.Remove(BinaryPrimitives.ReadInt64BigEndian(payload), out acked);
                }

                acked?.TrySetResult();
                break;
            case Data:
                lock (_gate)
                {
                    var padding = (flags & 0x8) != 0 ? payload[0] + 1 : 0;
                    var start = (flags & 0x8) != 0 ? 1 : 0;
                    if (!_data.TryGetValue(streamId, out var data))
                    {
                        _data[streamId] = data = new MemoryStream();
                    }

                    data.Write(payload, start, payload.Length - padding);
                    if ((flags & EndStream) != 0)
                    {
                        _ended.Add(streamId);
                    }
                }

                break;
            case Headers when (flags & EndStream) != 0:
                lock (_gate)
                {
                    _ended.Add(streamId);
                }

                break;
            case RstStream:
                lock (_gate)
                {
                    _resets[streamId] = BinaryPrimitives.ReadInt32BigEndian(payload);
                }

                break;
            case GoAway:
                GoAwayErrorCode = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4));
                break;
        }
    }
}
