using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// A crowd opening one hot story. First the ceiling: the first replies page (200 replies of 400 characters in
/// the topic, 50 per page) read in a closed loop by anonymous readers, then by signed-in ones. Then the herd:
/// N readers open the story within a window while it receives replies; each reads the topic and the first
/// page, connects, calls Watch(topic, page.lastSeq) and checks that what it gets continues its page without a
/// gap. Runs against LiveCommunity with the read cache on and, as the baseline, the same build with it off.
/// </summary>
public static class ReadHerd
{
    public sealed record Options(int InFlight, int Seconds, int Readers, int Window, double ReplyRate, double SignedInShare, int WarmupSeconds);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "Breaking story", ct);
        var body = new string('x', 380);
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) => await api.PostReplyAsync(moderator.Token, topic, $"{i:D4} {body}", c));
        var tokens = new string[64];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) => tokens[i] = (await api.TokenAsync($"bench-reader-{i}", "member", c)).Token);
        using var http = Client(host.Url);
        var page = $"/api/topics/{topic}/replies?limit=50";

        foreach (var (label, signedIn) in new[] { ("anonymous", false), ("signedIn", true) })
        {
            // Unmeasured first: the path's code is compiled and tiered up (JIT on the 2 loaded cores takes seconds),
            // as on a server that has been up for more than a moment.
            await Live.RunAsync($"first page, {label}, warming up for {o.WarmupSeconds} s", async () =>
            {
                await ClosedLoopAsync(http, page, signedIn ? tokens : null, o.InFlight, o.WarmupSeconds, (_, _) => { }, ct);
                return 0;
            }, () => "");
            var latency = new Latency();
            var errors = new ConcurrentDictionary<string, int>();
            long done = 0;
            var cpu0 = ProcStats.CpuSeconds(host.Pid);
            var watch = Stopwatch.StartNew();
            await Live.RunAsync($"first page, {label}, {o.InFlight} in flight for {o.Seconds} s", async () =>
            {
                await ClosedLoopAsync(http, page, signedIn ? tokens : null, o.InFlight, o.Seconds, (status, elapsed) =>
                {
                    latency.Record(elapsed);
                    if (status == 200)
                    {
                        Interlocked.Increment(ref done);
                    }
                    else
                    {
                        errors.AddOrUpdate(status.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    }
                }, ct);
                return 0;
            }, () => $"{Interlocked.Read(ref done)} pages");
            var seconds = watch.Elapsed.TotalSeconds;
            var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
            result.Metrics[$"firstPage{Cap(label)}PerSecond"] = Math.Round(done / seconds, 1);
            latency.AddTo(result.Metrics, $"firstPage{Cap(label)}Latency");
            result.Metrics[$"firstPage{Cap(label)}CpuMsPerRequest"] = done > 0 ? Math.Round(cpu * 1000 / done, 3) : 0;
            result.Metrics[$"firstPage{Cap(label)}Errors"] = errors.Values.Sum();
            foreach (var (status, count) in errors)
            {
                result.Notes.Add($"first page {label}: {count} answered {status}");
            }
        }

        await HerdAsync(host, api, http, topic, moderator.Token, tokens, o, result, ct);
        return result;
    }

    private static async Task HerdAsync(TargetHost host, Api api, HttpClient http, string topic, string moderatorToken, string[] tokens,
        Options o, RunResult result, CancellationToken ct)
    {
        var gets = new Latency();
        var watches = new Latency();
        var errors = new ConcurrentDictionary<string, int>();
        long requests = 0, opened = 0, stale = 0;
        var cpu0 = ProcStats.CpuSeconds(host.Pid);
        var start = DateTime.UtcNow;
        using var posting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var k = 0;
            while (!posting.IsCancellationRequested)
            {
                var due = start.AddSeconds(k / o.ReplyRate);
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, posting.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                _ = api.PostReplyAsync(moderatorToken, topic, $"live {k}", CancellationToken.None);
                k++;
            }
        }, ct);

        await Live.RunAsync($"{o.Readers} readers open the story within {o.Window} s while it gets {o.ReplyRate} replies/s", async () =>
        {
            await Runner.PaceAsync(o.Readers, o.Readers / (double)o.Window, 512, DateTime.UtcNow.AddSeconds(o.Window * 3 + 30), async i =>
            {
                var token = i % 100 < o.SignedInShare * 100 ? tokens[i % tokens.Length] : null;
                try
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var topicStatus = await GetAsync(http, $"/api/topics/{topic}", token, ct);
                    gets.Record(Stopwatch.GetElapsedTime(t0));
                    var t1 = Stopwatch.GetTimestamp();
                    var (pageStatus, lastSeq) = await GetPageAsync(http, $"/api/topics/{topic}/replies?limit=50", token, ct);
                    gets.Record(Stopwatch.GetElapsedTime(t1));
                    Interlocked.Add(ref requests, 2);
                    if (topicStatus != 200 || pageStatus != 200)
                    {
                        errors.AddOrUpdate($"GET {(topicStatus != 200 ? topicStatus : pageStatus)}", 1, (_, n) => n + 1);
                        return;
                    }
                    await using var hub = Api.Hub(host.Url, token: token);
                    var received = new ConcurrentQueue<long>();
                    hub.On<JsonElement>("ReplyPosted", e => received.Enqueue(e.GetProperty("seq").GetInt64()));
                    var t2 = Stopwatch.GetTimestamp();
                    await hub.StartAsync(ct);
                    var watched = await hub.InvokeAsync<WatchResultDto>("Watch", topic, lastSeq, ct);
                    watches.Record(Stopwatch.GetElapsedTime(t2));
                    Interlocked.Increment(ref opened);
                    // The page and the replay together must cover every seq up to what Watch says is current.
                    var missed = watched.Missed.Select(Watcher.Seq).ToList();
                    var covered = watched.Reset || missed.SequenceEqual(Enumerable.Range(0, missed.Count).Select(k => lastSeq + 1 + k))
                        && lastSeq + missed.Count == watched.LastSeq;
                    // Hold the story open briefly: the next live event must follow on from there.
                    await Task.Delay(TimeSpan.FromMilliseconds(1500), ct);
                    if (!covered || received.Any(seq => seq > watched.LastSeq + 1 && !received.Contains(watched.LastSeq + 1)))
                    {
                        Interlocked.Increment(ref stale);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
            }, ct);
            return 0;
        }, () => $"{Interlocked.Read(ref opened)} readers in, {Interlocked.Read(ref stale)} stale");
        await posting.CancelAsync();
        await writer;
        var seconds = (DateTime.UtcNow - start).TotalSeconds;
        var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
        result.Metrics["herdReaders"] = o.Readers;
        result.Metrics["herdReadersIn"] = opened;
        result.Metrics["herdSeconds"] = Math.Round(seconds, 1);
        result.Metrics["herdErrors"] = errors.Values.Sum();
        result.Metrics["herdStalePages"] = stale;
        gets.AddTo(result.Metrics, "herdGetLatency");
        watches.AddTo(result.Metrics, "herdConnectWatchLatency");
        result.Metrics["herdServerCpuMsPerReader"] = opened > 0 ? Math.Round(cpu * 1000 / opened, 3) : 0;
        foreach (var (what, count) in errors)
        {
            result.Notes.Add($"herd: {count}× {what}");
        }
        if (errors.Values.Sum() > 0)
        {
            result.Failures.Add($"herd: {errors.Values.Sum()} readers failed ({string.Join(", ", errors.Select(e => $"{e.Value}× {e.Key}"))})");
        }
        if (stale > 0)
        {
            result.Failures.Add($"herd: {stale} readers got a page the live events did not continue");
        }
    }

    private static HttpClient Client(string url) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 512,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Readers in flight, each asking for the page again as soon as it has it, for a set time.</summary>
    private static Task ClosedLoopAsync(HttpClient http, string page, string[]? tokens, int inFlight, int seconds,
        Action<int, TimeSpan> record, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        return Parallel.ForAsync(0, inFlight, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (w, c) =>
        {
            while (DateTime.UtcNow < until)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await GetAsync(http, page, tokens?[w % tokens.Length], c);
                record(status, Stopwatch.GetElapsedTime(started));
            }
        });
    }

    private static async Task<int> GetAsync(HttpClient http, string path, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (int)response.StatusCode;
    }

    private static async Task<(int Status, long LastSeq)> GetPageAsync(HttpClient http, string path, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode, 0);
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return (200, json.RootElement.GetProperty("lastSeq").GetInt64());
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
