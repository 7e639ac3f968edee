using Microsoft.AspNetCore.SignalR.Client;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Phase 1: W watchers, writers at a rate: the reference p99. Phase 2: the same plus one client that watches
/// and then stops reading its socket (a raw websocket with a 4 KB receive buffer, so it fills quickly):
/// the others' p99 and loss. Then: did the server cut the stalled client off, and can it resume from its
/// last seq? With a writer instance (--writer), the same on a cluster: the replies reach the watchers' instance
/// through the Redis backplane, whose delivery must not wait on the stalled one either.
/// </summary>
public static class SlowConsumer
{
    /// <param name="WriterUrl">another instance to post through, so the watchers get every reply from the backplane</param>
    public sealed record Options(int Watchers, double Rate, int BodyChars, int Duration, int Stall, string? WriterUrl = null);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(o.WriterUrl ?? host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var writer = await api.TokenAsync("bench-writer", "member", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "Slow consumer", ct);
        var before = new Latency();
        var (watchers, openErrors) = await Runner.OpenWatchersAsync(o.Watchers, _ => Watcher.Create(host.Url, topic, before), 50, ct);
        result.Metrics["connectErrors"] = openErrors;
        var body = new string('s', Math.Max(0, o.BodyChars - 16));
        long posted = 0;

        async Task<(long Lost, double Seconds)> PhaseAsync(string title, int seconds)
        {
            var start = DateTime.UtcNow;
            var total = (int)(o.Rate * seconds);
            var target = posted + total;
            await Live.RunAsync(title, () => Runner.PaceAsync(total, o.Rate, 64, start.AddSeconds(seconds * 2 + 10), async k =>
            {
                if (await api.PostReplyAsync(writer.Token, topic, $"slow {k} {body}", ct) is not null)
                {
                    Interlocked.Increment(ref posted);
                }
            }, ct), () => $"{Interlocked.Read(ref posted)} posted");
            var elapsed = (DateTime.UtcNow - start).TotalSeconds;
            await Runner.WaitUntilAsync(() => watchers.All(w => w.Received >= posted), TimeSpan.FromSeconds(15), ct);
            return (watchers.Sum(w => Math.Max(0, posted - w.Received)), elapsed);
        }

        try
        {
            var (lostBefore, _) = await PhaseAsync("without a stalled client", o.Duration);
            before.AddTo(result.Metrics, "withoutStalledLatency");
            result.Metrics["lostWithoutStalled"] = lostBefore;

            var during = new Latency();
            foreach (var w in watchers)
            {
                w.Latency = during;
            }
            using var stalled = await StalledClient.ConnectAsync(host.Url, topic, ct);
            var postedAtStall = posted;
            var (lostDuring, seconds) = await PhaseAsync($"with one client not reading for {o.Stall} s", o.Stall);
            during.AddTo(result.Metrics, "withStalledLatency");
            result.Metrics["lostWithStalled"] = lostDuring;
            result.Metrics["postsPerSecondWithStalled"] = Math.Round((posted - postedAtStall) / seconds, 1);

            var (cutOff, bytes) = await stalled.DrainAsync(ct);
            result.Metrics["stalledCutOff"] = cutOff ? 1 : 0;
            result.Metrics["stalledBytesBuffered"] = bytes;

            // Resume as a client would after being dropped: a new connection, Watch from the last seq it applied.
            var resumed = Watcher.Create(host.Url, topic, null);
            await resumed.Connection.StartAsync(ct);
            var watch = await resumed.Connection.InvokeAsync<WatchResultDto>("Watch", topic, stalled.LastSeq, ct);
            await resumed.Connection.DisposeAsync();
            var expectedMissed = watch.LastSeq - stalled.LastSeq;
            result.Metrics["stalledResumeMissed"] = watch.Missed.Count;
            result.Metrics["stalledResumeExpected"] = expectedMissed;
            var contiguous = watch.Missed.Select(Watcher.Seq).SequenceEqual(Enumerable.Range(1, (int)expectedMissed).Select(i => stalled.LastSeq + i));
            if (host.Name == TargetHost.LiveCommunity)
            {
                if (!contiguous && !watch.Reset)
                {
                    result.Failures.Add($"resume after the stall returned {watch.Missed.Count} events, expected {expectedMissed} in order");
                }
                if (lostDuring > 0)
                {
                    result.Failures.Add($"healthy watchers lost {lostDuring} deliveries while one client stalled");
                }
                if (!cutOff)
                {
                    result.Notes.Add("the stalled client was not cut off within the stall + 20 s");
                }
            }
        }
        finally
        {
            await Runner.CloseAsync(watchers);
        }
        return result;
    }

    /// <summary>A SignalR JSON-protocol client on a raw websocket that watches one topic and then stops reading.</summary>
    private sealed class StalledClient(ClientWebSocket socket, HttpMessageInvoker invoker) : IDisposable
    {
        private const char Separator = '\u001e';
        public long LastSeq { get; private set; }

        public static async Task<StalledClient> ConnectAsync(string baseUrl, string topicId, CancellationToken ct)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                    await s.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(s, ownsSocket: true);
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/hubs/discussion"), invoker, ct);
            var client = new StalledClient(socket, invoker);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}", ct);
            await client.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Watch", arguments = new object?[] { topicId, null } }), ct);
            // Read until Watch completes (a few KB at most: presence and the result), then never again until DrainAsync.
            var text = new StringBuilder();
            var buffer = new byte[16384];
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(10));
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, limit.Token);
                text.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
                foreach (var message in text.ToString().Split(Separator, StringSplitOptions.RemoveEmptyEntries))
                {
                    using var doc = JsonDocument.Parse(message);
                    if (doc.RootElement.TryGetProperty("type", out var type) && type.GetInt32() == 3)
                    {
                        client.LastSeq = doc.RootElement.GetProperty("result").GetProperty("lastSeq").GetInt64();
                        return client;
                    }
                }
            }
        }

        private Task SendAsync(string json, CancellationToken ct) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, ct);

        /// <summary>Reads what was buffered. Cut off: the server closed or reset the socket within 20 s of silence.</summary>
        public async Task<(bool CutOff, long Bytes)> DrainAsync(CancellationToken ct)
        {
            long bytes = 0;
            var buffer = new byte[65536];
            var deadline = DateTime.UtcNow.AddSeconds(60);
            try
            {
                while (DateTime.UtcNow < deadline)
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    quiet.CancelAfter(TimeSpan.FromSeconds(20));
                    var read = await socket.ReceiveAsync(buffer, quiet.Token);
                    if (read.MessageType == WebSocketMessageType.Close)
                    {
                        return (true, bytes);
                    }
                    bytes += read.Count;
                }
            }
            catch (WebSocketException)
            {
                return (true, bytes);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return (false, bytes);
            }
            return (false, bytes);
        }

        public void Dispose()
        {
            socket.Abort();
            socket.Dispose();
            invoker.Dispose();
        }
    }
}
