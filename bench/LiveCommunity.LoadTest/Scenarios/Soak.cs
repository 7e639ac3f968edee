using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Ordinary traffic for a set time, to see whether memory levels off (issue 25): hub clients coming and going
/// (each watches a topic for 2–8 s, some also the topic list, then disconnects and starts over), replies,
/// reactions and page reads (a share signed in) at steady rates over a few hundred topics with a hot few.
/// Samples the server's RSS, open handles and (LiveCommunity, from /metrics) the GC heap as it was after the
/// last collection, so the doc can plot them over time. The baseline gets the same connection churn, replies and
/// reactions (it serves no reads).
/// </summary>
public static class Soak
{
    public sealed record Options(int Topics, int Clients, double ReplyRate, double ReactionRate, double ReadRate, double SignedInShare,
        int Seconds, int SampleSeconds, int SeedReplies);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        var full = host.Name == TargetHost.LiveCommunity;
        using var api = new Api(host.Url);
        var moderator = (await PatientlyAsync(() => api.TokenAsync("soak-moderator", "moderator", ct), ct)).Token;
        var writers = await TokensAsync(api, "soak-writer", 16, ct);
        var readers = await TokensAsync(api, "soak-reader", 40, ct);
        var topics = new string[o.Topics];
        await Parallel.ForAsync(0, o.Topics, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) => topics[i] = await PatientlyAsync(() => api.CreateTopicAsync(moderator, $"Soak story {i}", c), c));
        var recent = topics.ToDictionary(t => t, _ => new ConcurrentQueue<string>(), StringComparer.Ordinal);
        await Live.RunAsync($"seeding {o.SeedReplies} replies per topic", async () =>
        {
            await Parallel.ForAsync(0, o.Topics * o.SeedReplies, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                async (i, c) => Remember(recent, (await api.PostReplyAsync(writers[i % writers.Length], topics[i % o.Topics], Body(i), c))?.Id, topics[i % o.Topics]));
            return 0;
        }, () => "");

        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        void Count(string what) => counts.AddOrUpdate(what, 1, (_, n) => n + 1);
        var readLatency = new Latency();
        var cursors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var reacted = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        using var http = Client(host.Url);
        var start = DateTime.UtcNow;
        var until = start.AddSeconds(o.Seconds);
        var samples = new List<Sample>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sample = await SampleAsync(host, http, full, (DateTime.UtcNow - start).TotalSeconds, ct);
                lock (samples)
                {
                    samples.Add(sample);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(o.SampleSeconds), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, ct);
        var churn = Enumerable.Range(0, o.Clients).Select(i => Task.Run(() => ChurnAsync(host, topics, i, i % 5 == 0 ? readers[i % readers.Length] : null, full, until, Count, ct), ct)).ToList();
        var posting = Runner.PaceAsync((int)(o.ReplyRate * o.Seconds), o.ReplyRate, 256, until, async i =>
        {
            var topic = Pick(topics);
            var (status, id) = await PostReplyAsync(http, topic, writers[i % writers.Length], Body(i), ct);
            Count(status == 201 ? "replies" : $"replies{status}");
            Remember(recent, id, topic);
        }, ct);
        var reacting = Runner.PaceAsync((int)(o.ReactionRate * o.Seconds), o.ReactionRate, 256, until, async i =>
        {
            var topic = Pick(topics);
            var candidates = recent[topic].ToArray();
            if (candidates.Length == 0)
            {
                return;
            }
            var replyId = candidates[Random.Shared.Next(candidates.Length)];
            var user = Random.Shared.Next(readers.Length);
            var key = user + "|" + replyId;
            var on = !reacted.GetValueOrDefault(key);
            reacted[key] = on;
            var status = await api.SendAsync(on ? HttpMethod.Put : HttpMethod.Delete, $"/api/replies/{replyId}/reactions/like", readers[user], null, ct);
            Count(status is >= 200 and < 300 ? "reactions" : $"reactions{status}");
        }, ct);
        var reading = !full ? Task.FromResult(0) : Runner.PaceAsync((int)(o.ReadRate * o.Seconds), o.ReadRate, 256, until, async i =>
        {
            var topic = Pick(topics);
            var token = Random.Shared.NextDouble() < o.SignedInShare ? readers[i % readers.Length] : null;
            var roll = Random.Shared.Next(10);
            var path = roll switch
            {
                < 3 => $"/api/topics/{topic}",
                < 6 => $"/api/topics/{topic}/replies?limit=50",
                < 8 => $"/api/topics/{topic}/replies?limit=50&order=newest",
                8 when cursors.TryGetValue(topic, out var next) => $"/api/topics/{topic}/replies?limit=50&cursor={Uri.EscapeDataString(next)}",
                _ => "/api/topics?limit=20",
            };
            var t0 = Stopwatch.GetTimestamp();
            var (status, next2) = await GetAsync(http, path, token, ct);
            readLatency.Record(Stopwatch.GetElapsedTime(t0));
            Count(status == 200 ? "reads" : $"read{status}");
            if (next2 is not null && path.EndsWith("/replies?limit=50", StringComparison.Ordinal))
            {
                cursors[topic] = next2;
            }
        }, ct);

        await Live.RunAsync($"{o.Seconds} s: {o.Clients} churning clients, {o.ReplyRate} replies/s, {o.ReactionRate} reactions/s, {(full ? o.ReadRate : 0)} reads/s",
            async () => await Task.WhenAll(posting, reacting, reading),
            () => $"{counts.GetValueOrDefault("reads")} reads, {counts.GetValueOrDefault("replies")} replies, {counts.GetValueOrDefault("connections")} connections; " +
                $"RSS {Last(samples)?.RssMb:0} MB");
        // The last sample closes the load window, before the churning clients wind down: a sample taken while 100
        // connections close at once counted their closing sockets as open handles (the handle spread was one point).
        var elapsed = (DateTime.UtcNow - start).TotalSeconds;
        samples.Add(await SampleAsync(host, http, full, elapsed, ct));
        await stop.CancelAsync();
        await sampler;
        await Task.WhenAll(churn);
        Summarize(result, samples, counts, readLatency, elapsed, o.Seconds);
        return result;
    }

    public sealed record Sample(double At, double RssMb, double Handles, double? Gen2Mb, double? HeapMb);

    private static Sample? Last(List<Sample> samples)
    {
        lock (samples)
        {
            return samples.Count > 0 ? samples[^1] : null;
        }
    }

    private static void Summarize(RunResult result, List<Sample> samples, ConcurrentDictionary<string, long> counts, Latency readLatency, double elapsed, int loadSeconds)
    {
        var m = result.Metrics;
        var secondHalf = samples.Where(s => s.At >= elapsed / 2).ToList();
        m["seconds"] = Math.Round(elapsed, 1);
        m["rssStartMb"] = samples[0].RssMb;
        m["rssEndMb"] = samples[^1].RssMb;
        m["rssPeakMb"] = samples.Max(s => s.RssMb);
        m["rssSecondHalfSpreadMb"] = Math.Round(secondHalf.Max(s => s.RssMb) - secondHalf.Min(s => s.RssMb), 1);
        m["handlesStart"] = samples[0].Handles;
        m["handlesEnd"] = samples[^1].Handles;
        m["handlesSecondHalfSpread"] = secondHalf.Max(s => s.Handles) - secondHalf.Min(s => s.Handles);
        if (samples.Any(s => s.Gen2Mb is not null))
        {
            m["gen2AfterGcPeakMb"] = samples.Max(s => s.Gen2Mb ?? 0);
            m["heapAfterGcPeakMb"] = samples.Max(s => s.HeapMb ?? 0);
        }
        foreach (var (what, n) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            m[what + "PerSecond"] = Math.Round(n / (double)loadSeconds, 1);
        }
        readLatency.AddTo(m, "readLatency");
        result.Series["rssMb"] = samples.Select(s => new[] { Math.Round(s.At, 1), s.RssMb }).ToList();
        result.Series["handles"] = samples.Select(s => new[] { Math.Round(s.At, 1), s.Handles }).ToList();
        if (samples.Any(s => s.Gen2Mb is not null))
        {
            result.Series["gen2AfterGcMb"] = samples.Where(s => s.Gen2Mb is not null).Select(s => new[] { Math.Round(s.At, 1), s.Gen2Mb!.Value }).ToList();
            result.Series["heapAfterGcMb"] = samples.Where(s => s.HeapMb is not null).Select(s => new[] { Math.Round(s.At, 1), s.HeapMb!.Value }).ToList();
        }
        var failed = counts.Where(c => c.Key is not ("reads" or "replies" or "reactions" or "connections")).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (failed.Count > 0)
        {
            result.Notes.Add("refused or failed: " + string.Join(", ", failed.Select(c => $"{c.Key} {c.Value}")));
        }
    }

    /// <summary>One client after another on this slot: connect, watch a topic (a third also the topic list) for 2–8 s, leave.</summary>
    private static async Task ChurnAsync(TargetHost host, string[] topics, int slot, string? token, bool full, DateTime until, Action<string> count, CancellationToken ct)
    {
        while (DateTime.UtcNow < until && !ct.IsCancellationRequested)
        {
            await using var hub = Api.Hub(host.Url, token: token);
            try
            {
                await hub.StartAsync(ct);
                await hub.InvokeAsync<JsonElement>("Watch", Pick(topics), (long?)null, ct);
                if (full && slot % 3 == 0)
                {
                    await hub.InvokeAsync<JsonElement>("WatchTopics", ct);
                }
                count("connections");
                await Task.Delay(TimeSpan.FromMilliseconds(2000 + Random.Shared.Next(6000)), ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                count("connectionErrors");
                await Task.Delay(500, ct);
            }
        }
    }

    private static async Task<Sample> SampleAsync(TargetHost host, HttpClient http, bool metrics, double at, CancellationToken ct)
    {
        var rss = Math.Round(ProcStats.RssKb(host.Pid) / 1024.0, 1);
        var handles = host.Pid is { } pid && Directory.Exists($"/proc/{pid}/fd") ? Directory.GetFiles($"/proc/{pid}/fd").Length : 0;
        double? gen2 = null, heap = null;
        if (metrics)
        {
            try
            {
                var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
                // The runtime's own meter (System.Runtime): each generation's size as the last GC left it.
                var sizes = text.Split('\n').Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
                    .Select(l => (Gen: l[(l.IndexOf("gc_heap_generation=\"", StringComparison.Ordinal) + 20)..].Split('"')[0],
                        Bytes: double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)))
                    .ToList();
                if (sizes.Count > 0)
                {
                    gen2 = Math.Round(sizes.Where(s => s.Gen == "gen2").Sum(s => s.Bytes) / 1048576, 1);
                    heap = Math.Round(sizes.Sum(s => s.Bytes) / 1048576, 1);
                }
            }
            catch (HttpRequestException)
            {
            }
        }
        return new Sample(Math.Round(at, 1), rss, handles, gen2, heap);
    }

    // A few hot stories and a long tail: the square of a uniform number favours the first topics.
    private static string Pick(string[] topics) => topics[(int)(topics.Length * Math.Pow(Random.Shared.NextDouble(), 2))];

    private static string Body(int i) => $"{i} " + new string('r', 300 + i % 200);

    private static void Remember(Dictionary<string, ConcurrentQueue<string>> recent, string? replyId, string topic)
    {
        if (replyId is null)
        {
            return;
        }
        var queue = recent[topic];
        queue.Enqueue(replyId);
        while (queue.Count > 20 && queue.TryDequeue(out _))
        {
        }
    }

    /// <summary>Setup that a busy server (503, "try again") may refuse for a moment: tried again, a few times.</summary>
    private static async Task<T> PatientlyAsync<T>(Func<Task<T>> setup, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await setup();
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    private static async Task<string[]> TokensAsync(Api api, string prefix, int n, CancellationToken ct)
    {
        var tokens = new string[n];
        await Parallel.ForAsync(0, n, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, c) => tokens[i] = (await PatientlyAsync(() => api.TokenAsync($"{prefix}-{i}", "member", c), c)).Token);
        return tokens;
    }

    private static HttpClient Client(string url) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 256,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The status and, when created, the reply's id.</summary>
    private static async Task<(int Status, string? Id)> PostReplyAsync(HttpClient http, string topic, string token, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}/replies") { Content = System.Net.Http.Json.JsonContent.Create(new { body }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return ((int)response.StatusCode, null);
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return (201, json.RootElement.GetProperty("id").GetString());
    }

    /// <summary>The status and, for a replies page, its nextCursor.</summary>
    private static async Task<(int Status, string? Next)> GetAsync(HttpClient http, string path, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK || !path.Contains("/replies", StringComparison.Ordinal))
        {
            return ((int)response.StatusCode, null);
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return (200, json.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }
}
