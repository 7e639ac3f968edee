using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveCommunity.LoadTest;

/// <summary>
/// One live event as a lean reader sees it: its hub method, its seq, and of the item in it (the reply or the update)
/// its id, its body (raw UTF-8) and its creation time; <see cref="ReceivedAt"/> is a Stopwatch timestamp.
/// </summary>
public readonly ref struct LeanEvent(ReadOnlySpan<byte> target, long seq, ReadOnlySpan<byte> id, ReadOnlySpan<byte> body,
    DateTime? createdAt, long receivedAt)
{
    public ReadOnlySpan<byte> Target { get; } = target;
    public long Seq { get; } = seq;
    public ReadOnlySpan<byte> Id { get; } = id;
    public ReadOnlySpan<byte> Body { get; } = body;
    public DateTime? CreatedAt { get; } = createdAt;
    public long ReceivedAt { get; } = receivedAt;
}

/// <summary>What a reader does with one live event.</summary>
public delegate void LeanEventHandler(in LeanEvent e);

/// <summary>
/// A reader's hub connection at a fraction of a <c>HubConnection</c>'s cost, for scenarios where one process plays
/// thousands of readers on the cores the server uses (15,000 in <c>live-blog</c>). It speaks the SignalR JSON
/// protocol of PROTOCOL.md over one WebSocket: the handshake, one invocation at a time (Watch), the live events,
/// and a ping to the server every 15 s, sent by <see cref="LeanPings"/> for all connections together. It keeps no
/// timer of its own and no WebSocket keep-alive, and parses each event once into its seq and its item's body.
/// A real reader is a browser of its own: the 15,000 HubConnections of one process took half a core while idle
/// (a timer each), which the server then lacked.
/// </summary>
public sealed class LeanHubConnection
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = Framed("{\"protocol\":\"json\",\"version\":1}"u8);
    private static readonly byte[] Ping = Framed("{\"type\":6}"u8);
    private static readonly HttpMessageInvoker SharedInvoker = new(new SocketsHttpHandler());

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly LeanEventHandler _onEvent;
    private TaskCompletionSource<JsonElement>? _invocation;
    private TaskCompletionSource? _handshake;
    private Task? _receiving;
    private volatile bool _leaving;

    public LeanHubConnection(LeanEventHandler onEvent)
    {
        _onEvent = onEvent;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    /// <summary>Raised once when the connection ends; true when it was not <see cref="LeaveAsync"/> that ended it.</summary>
    public event Action<bool>? Closed;

    internal long LastSentAt { get; private set; }

    public async Task StartAsync(string baseUrl, CancellationToken ct)
    {
        var uri = new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal) + "/hubs/discussion");
        await _socket.ConnectAsync(uri, SharedInvoker, ct);
        _handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiving = Task.Run(ReceiveAsync, CancellationToken.None);
        await SendAsync(Handshake, ct);
        await _handshake.Task.WaitAsync(ct);
        LeanPings.Add(this);
    }

    /// <summary>
    /// Connects and calls <paramref name="method"/> (Watch or WatchUpdates) for a topic from its current seq; returns
    /// the topic's last seq (0 from the baseline, which has none).
    /// </summary>
    public async Task<long> WatchAsync(string baseUrl, string method, string topicId, CancellationToken ct)
    {
        await StartAsync(baseUrl, ct);
        var watch = await InvokeAsync(method, [topicId, null], ct);
        return watch.ValueKind == JsonValueKind.Object && watch.TryGetProperty("lastSeq", out var seq) ? seq.GetInt64() : 0;
    }

    /// <summary>Invokes a hub method and returns its result (one invocation at a time is all a reader needs).</summary>
    public async Task<JsonElement> InvokeAsync(string target, object?[] arguments, CancellationToken ct)
    {
        var invocation = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _invocation, invocation, null) is not null)
        {
            throw new InvalidOperationException("one invocation at a time");
        }
        var message = JsonSerializer.SerializeToUtf8Bytes(new { type = 1, invocationId = "1", target, arguments });
        await SendAsync(Framed(message), ct);
        return await invocation.Task.WaitAsync(ct);
    }

    /// <summary>Closes the connection on purpose; the server's close ends the receive loop.</summary>
    public async Task LeaveAsync()
    {
        _leaving = true;
        LeanPings.Remove(this);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _sending.WaitAsync(timeout.Token);
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
            }
            finally
            {
                _sending.Release();
            }
            if (_receiving is not null)
            {
                await _receiving.WaitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
        }
        _socket.Abort();
        _socket.Dispose();
    }

    internal async Task PingAsync()
    {
        try
        {
            await SendAsync(Ping, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The receive loop sees the broken connection and reports it.
        }
    }

    // A message of the protocol: its JSON and the record separator.
    private static byte[] Framed(ReadOnlySpan<byte> json)
    {
        var record = new byte[json.Length + 1];
        json.CopyTo(record);
        record[^1] = RecordSeparator;
        return record;
    }

    private async Task SendAsync(byte[] record, CancellationToken ct)
    {
        // Before the send: the ping loop must not send another while this one waits for the socket.
        LastSentAt = Stopwatch.GetTimestamp();
        await _sending.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(record, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                var at = Stopwatch.GetTimestamp();
                filled += read.Count;
                var start = 0;
                int end;
                while ((end = buffer.AsSpan(start, filled - start).IndexOf(RecordSeparator)) >= 0)
                {
                    if (!Handle(buffer.AsSpan(start, end), at))
                    {
                        return;
                    }
                    start += end + 1;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            LeanPings.Remove(this);
            var broken = new WebSocketException("the connection closed");
            _handshake?.TrySetException(broken);
            Interlocked.Exchange(ref _invocation, null)?.TrySetException(broken);
            Closed?.Invoke(!_leaving);
        }
    }

    // One record: false when the server closed the connection (a Close message, or a failed handshake).
    private bool Handle(ReadOnlySpan<byte> record, long at)
    {
        if (_handshake is { Task.IsCompleted: false } handshake)
        {
            var answer = JsonDocument.Parse(record.ToArray()).RootElement;
            if (answer.TryGetProperty("error", out var error))
            {
                handshake.TrySetException(new WebSocketException($"handshake refused: {error}"));
                return false;
            }
            handshake.TrySetResult();
            return true;
        }
        var type = 0;
        var target = ReadOnlySpan<byte>.Empty;
        var body = ReadOnlySpan<byte>.Empty;
        var id = ReadOnlySpan<byte>.Empty;
        DateTime? createdAt = null;
        long seq = 0;
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }
            // Depth 1: the message; 3: the event's argument (its seq); 4: the item in it (its id, body and time).
            switch (reader.CurrentDepth)
            {
                case 1 when reader.ValueTextEquals("type"u8):
                    reader.Read();
                    type = reader.GetInt32();
                    break;
                case 1 when reader.ValueTextEquals("target"u8):
                    reader.Read();
                    target = Raw(record, ref reader);
                    break;
                case 3 when reader.ValueTextEquals("seq"u8):
                    reader.Read();
                    seq = reader.GetInt64();
                    break;
                case 4 when reader.ValueTextEquals("body"u8):
                    reader.Read();
                    body = Raw(record, ref reader);
                    break;
                case 4 when reader.ValueTextEquals("id"u8):
                    reader.Read();
                    id = Raw(record, ref reader);
                    break;
                case 4 when reader.ValueTextEquals("createdAt"u8):
                    reader.Read();
                    createdAt = reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out var time) ? time : null;
                    break;
            }
        }
        switch (type)
        {
            case 1:
                _onEvent(new LeanEvent(target, seq, id, body, createdAt, at));
                return true;
            case 3:
                Complete(record);
                return true;
            case 7:
                return false;
            default:
                return true;
        }
    }

    private void Complete(ReadOnlySpan<byte> record)
    {
        var invocation = Interlocked.Exchange(ref _invocation, null);
        if (invocation is null)
        {
            return;
        }
        using var document = JsonDocument.Parse(record.ToArray());
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            invocation.TrySetException(new InvalidOperationException($"the hub refused: {error.GetString()}"));
        }
        else
        {
            invocation.TrySetResult(document.RootElement.TryGetProperty("result", out var result) ? result.Clone() : default);
        }
    }

    // A string's raw UTF-8, in the record itself unless escaped. ValueSpan is that slice, but the compiler cannot
    // know it outlives the reader, so the slice is taken from the record.
    private static ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> record, scoped ref Utf8JsonReader reader) =>
        reader.TokenType != JsonTokenType.String ? default
        : reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!)
        : record.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
}

/// <summary>
/// The lean connections' pings: the server closes a connection it has not heard from for 30 s (its client
/// timeout), so each is pinged once every 15 s, as a HubConnection does. One loop walks all of them in small steps,
/// so the pings are spread evenly over time rather than sent in one burst that would land on the measurements.
/// </summary>
public static class LeanPings
{
    private static readonly ConcurrentDictionary<LeanHubConnection, byte> Connections = new();
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static int _started;

    public static void Add(LeanHubConnection connection)
    {
        Connections[connection] = 0;
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(LoopAsync);
        }
    }

    public static void Remove(LeanHubConnection connection) => Connections.TryRemove(connection, out _);

    private static async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync())
        {
            var now = Stopwatch.GetTimestamp();
            // The dictionary itself, not its Keys (a copy of every key on each tick).
            foreach (var (connection, _) in Connections)
            {
                if (Stopwatch.GetElapsedTime(connection.LastSentAt, now) >= Interval)
                {
                    _ = connection.PingAsync();
                }
            }
        }
    }
}
