using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// A breaking story: writes on ONE topic as fast as N writers in flight can send them (closed loop, each writer
/// a user of its own, its writes one after another), at several N in turn. Replies, answers (each writer replies
/// to another writer's reply, so every write also stores and pushes a notification) or reactions (toggling
/// "like" on a few replies), over REST or the hub. Per level: writes/s, latency p50/p99, errors by status and
/// server CPU per write. Then the guarantees: every accepted reply is listed, seqs are gap-free at the watchers,
/// and every reaction count equals what the writers' last successful calls imply.
/// The baseline serves the same writes on its /stored routes and hub methods: one transaction per write.
/// </summary>
public static class HotTopic
{
    /// <param name="Total">Writes per level at most (0: as many as the seconds allow).</param>
    public sealed record Options(string Mode, string Transport, int[] InFlight, int Seconds, int Targets, int Watchers, int Total);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        var baseline = host.Name == TargetHost.Baseline;
        var hub = o.Transport == "hub";
        var reactions = o.Mode == "reactions";
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "Hot topic", ct);
        var targets = new List<string>();
        for (var i = 0; reactions && i < o.Targets; i++)
        {
            targets.Add((await api.PostReplyAsync(moderator.Token, topic, $"React to me {i}", ct))!.Id);
        }
        var writers = o.InFlight.Max();
        var tokens = new string[writers];
        await Parallel.ForAsync(0, writers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, c) => tokens[i] = (await api.TokenAsync($"bench-writer-{i}", "member", c)).Token);
        // Answers: writer w always answers writer w+1's first reply, so each write notifies someone else.
        var parents = new string?[writers];
        for (var i = 0; o.Mode == "answers" && i < writers; i++)
        {
            parents[i] = (await api.PostReplyAsync(tokens[i], topic, $"Answer me {i}", ct))?.Id
                ?? throw new InvalidOperationException("could not post a reply to answer");
        }
        // Several URLs (instances of one cluster): writer w writes through instance w mod N.
        var apis = host.Urls.Select(url => new Api(url)).ToArray();
        var connections = new HubConnection[hub ? writers : 0];
        await Parallel.ForAsync(0, connections.Length, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
        {
            connections[i] = Api.Hub(host.Urls[i % host.Urls.Length], token: tokens[i]);
            await connections[i].StartAsync(c);
        });
        var (watchers, openErrors) = await Runner.OpenWatchersAsync(o.Watchers, _ => Watcher.Create(host.Url, topic, null), 20, ct);
        result.Metrics["connectErrors"] = openErrors;

        // (writer, target) → whether the writer's like is on after its last successful call.
        var liked = new bool[writers, Math.Max(1, targets.Count)];
        var accepted = (long)parents.Count(p => p is not null); // the replies answered are listed too
        var prefix = $"{o.Mode}{(hub ? "Hub" : "Rest")}";
        try
        {
            foreach (var inFlight in o.InFlight)
            {
                var latency = new Latency();
                var errors = new ConcurrentDictionary<string, int>();
                long done = 0, issued = 0;
                var cpu0 = ProcStats.CpuSeconds(host.Pid);
                var watch = Stopwatch.StartNew();
                var until = DateTime.UtcNow.AddSeconds(o.Seconds);
                await Live.RunAsync($"{prefix}: {inFlight} writers in flight for {o.Seconds} s", async () =>
                {
                    await Parallel.ForAsync(0, inFlight, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (w, c) =>
                    {
                        for (var k = 0; DateTime.UtcNow < until && (o.Total == 0 || Interlocked.Increment(ref issued) <= o.Total); k++)
                        {
                            var target = targets.Count == 0 ? 0 : (w + k) % targets.Count;
                            var on = !liked[w, target];
                            var started = Stopwatch.GetTimestamp();
                            var status = await WriteAsync(apis[w % apis.Length], hub ? connections[w] : null, baseline, reactions, topic,
                                reactions ? targets[target] : parents[(w + 1) % writers], tokens[w], on, $"hot {inFlight}/{w}/{k}", c);
                            latency.Record(Stopwatch.GetElapsedTime(started));
                            if (status is "200" or "201")
                            {
                                liked[w, target] = on;
                                Interlocked.Increment(ref done);
                            }
                            else
                            {
                                errors.AddOrUpdate(status, 1, (_, n) => n + 1);
                            }
                        }
                    });
                    return 0;
                }, () => $"{Interlocked.Read(ref done)} written");
                var seconds = watch.Elapsed.TotalSeconds;
                var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
                accepted += done;
                var level = $"{prefix}{inFlight}";
                result.Metrics[level + "PerSecond"] = Math.Round(done / seconds, 1);
                latency.AddTo(result.Metrics, level + "Latency");
                result.Metrics[level + "CpuMsPerWrite"] = done > 0 ? Math.Round(cpu * 1000 / done, 3) : 0;
                result.Metrics[level + "Errors"] = errors.Values.Sum();
                foreach (var (status, count) in errors)
                {
                    result.Notes.Add($"{level}: {count} answered {status}");
                }
                if (!baseline && errors.Keys.Any(s => s.StartsWith('5') && s != "503"))
                {
                    result.Failures.Add($"{level}: server errors {string.Join(", ", errors.Where(e => e.Key.StartsWith('5')).Select(e => $"{e.Value}× {e.Key}"))}");
                }
            }

            if (!baseline)
            {
                await VerifyAsync(api, topic, targets, liked, accepted, reactions, watchers, result, ct);
            }
        }
        finally
        {
            await Runner.CloseAsync(watchers);
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
            foreach (var each in apis)
            {
                each.Dispose();
            }
        }
        return result;
    }

    /// <summary>One write; answers its status as a string ("201", "503", …, "hub:message" for other hub refusals).</summary>
    private static async Task<string> WriteAsync(Api api, HubConnection? hub, bool baseline, bool reactions, string topic, string? replyId,
        string token, bool on, string body, CancellationToken ct)
    {
        var root = baseline ? "/stored" : "/api";
        try
        {
            if (hub is not null)
            {
                if (reactions)
                {
                    await hub.InvokeAsync<object>("SetReaction", topic, replyId, "like", on, ct);
                    return "200";
                }
                await hub.InvokeAsync<object>("PostReply", topic, body, replyId, ct);
                return "201";
            }
            var status = reactions
                ? await api.SendAsync(on ? HttpMethod.Put : HttpMethod.Delete, $"{root}/replies/{replyId}/reactions/like", token, null, ct)
                : await api.SendAsync(HttpMethod.Post, $"{root}/topics/{topic}/replies", token, new { body, parentId = replyId }, ct);
            return status.ToString(CultureInfo.InvariantCulture);
        }
        catch (HubException ex)
        {
            return ex.Message.Contains("busy", StringComparison.Ordinal) ? "503"
                : ex.Message.Contains("rate limited", StringComparison.Ordinal) ? "429" : "hub:" + ex.Message;
        }
        catch (HttpRequestException ex)
        {
            return "transport:" + ex.HttpRequestError;
        }
    }

    private static async Task VerifyAsync(Api api, string topic, List<string> targets, bool[,] liked, long accepted, bool reactions,
        List<Watcher> watchers, RunResult result, CancellationToken ct)
    {
        if (reactions)
        {
            // A target's last ReactionsChanged may be owed for up to one coalescing window after the last call
            // (its seq comes then): give every watcher that long to see the final counts before reading lastSeq.
            var expectedCounts = Enumerable.Range(0, targets.Count)
                .Select(t => Enumerable.Range(0, liked.GetLength(0)).Count(w => liked[w, t])).ToList();
            await Runner.WaitUntilAsync(() => watchers.All(w => Enumerable.Range(0, targets.Count)
                .All(t => (w.LikeCountOf(targets[t]) ?? 0) == expectedCounts[t])), TimeSpan.FromSeconds(10), ct);
        }
        var topicNow = await api.GetAsync($"/api/topics/{topic}", ct);
        var lastSeq = topicNow?["lastSeq"]?.GetValue<long>() ?? 0;
        await Runner.WaitUntilAsync(() => watchers.All(w => w.LastSeq >= lastSeq), TimeSpan.FromSeconds(30), ct);
        var missing = watchers.Sum(w => w.MissingSeqs(lastSeq));
        result.Metrics["lastSeq"] = lastSeq;
        result.Metrics["seqsMissedByWatchers"] = missing;
        if (missing > 0)
        {
            result.Failures.Add($"watchers missed {missing} seqs of 1..{lastSeq}");
        }
        if (reactions)
        {
            var wrong = 0;
            for (var t = 0; t < targets.Count; t++)
            {
                var expected = 0;
                for (var w = 0; w < liked.GetLength(0); w++)
                {
                    expected += liked[w, t] ? 1 : 0;
                }
                var page = await api.GetAsync($"/api/topics/{topic}/replies?order=oldest&limit=200", ct);
                var stored = page?["items"]?.AsArray().FirstOrDefault(r => r?["id"]?.GetValue<string>() == targets[t])?["reactions"]?["like"]?.GetValue<int>();
                var live = watchers.Select(w => w.LikeCountOf(targets[t])).Distinct().ToList();
                if (stored != expected || live.Count != 1 || live[0] != expected)
                {
                    wrong++;
                    result.Notes.Add($"target {t}: expected {expected}, stored {stored}, watchers saw {string.Join("/", live)}");
                }
            }
            result.Metrics["targetsWithWrongCounts"] = wrong;
            if (wrong > 0)
            {
                result.Failures.Add($"{wrong} of {targets.Count} reaction counts differ from the writers' last calls");
            }
        }
        else
        {
            var listed = 0L;
            string? cursor = null;
            do
            {
                var page = await api.GetAsync($"/api/topics/{topic}/replies?order=oldest&limit=200" + (cursor is null ? "" : "&cursor=" + cursor), ct);
                listed += page?["items"]?.AsArray().Count ?? 0;
                cursor = page?["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null);
            result.Metrics["repliesAccepted"] = accepted;
            result.Metrics["repliesListed"] = listed;
            if (listed != accepted)
            {
                result.Failures.Add($"{accepted} replies were accepted but {listed} are listed");
            }
        }
    }
}
