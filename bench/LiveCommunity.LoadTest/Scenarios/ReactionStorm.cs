namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Many users toggle "like" on one reply at thousands per second. Each user's requests are sequential, so
/// the final count is known exactly: the users whose last successful request was a PUT. The same users first react
/// to a reply of another topic for <see cref="Options.WarmupSeconds"/>, not measured: CPU per reaction is the steady
/// state's, not the JIT's. A fresh process compiles its hot paths again at tier 1 in its first seconds under load,
/// far more of them on LiveCommunity than on the bare hub: at 1,000/s on LiveCommunity, 1.29 ms per reaction in
/// the 8 s after a 3 s warm-up, 1.00-1.04 ms in the runs after it on the same process.
/// </summary>
public static class ReactionStorm
{
    public sealed record Options(int Users, double Rate, int Watchers, int Duration, int WarmupSeconds = 10);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "Reaction storm", ct);
        var reply = await api.PostReplyAsync(moderator.Token, topic, "React to me", ct) ?? throw new InvalidOperationException("could not post the reply");
        var tokens = new string[o.Users];
        await Parallel.ForAsync(0, o.Users, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, c) => tokens[i] = (await api.TokenAsync($"bench-reactor-{i}", "member", c)).Token);
        if (o.WarmupSeconds > 0)
        {
            // On a topic of its own, so no event of the warm-up reaches the watchers or the counts checked below.
            var warmupTopic = await api.CreateTopicAsync(moderator.Token, "Reaction storm warm-up", ct);
            var warmup = await api.PostReplyAsync(moderator.Token, warmupTopic, "Warm up on me", ct) ?? throw new InvalidOperationException("could not post the warm-up reply");
            await Live.RunAsync($"warming up for {o.WarmupSeconds} s", async () =>
            {
                await StormAsync(api, tokens, warmup.Id, new bool[o.Users], o.Rate, (int)(o.Rate * o.WarmupSeconds), o.WarmupSeconds, ct);
                return 0;
            }, () => "");
        }
        var (watchers, openErrors) = await Runner.OpenWatchersAsync(o.Watchers, _ => Watcher.Create(host.Url, topic, null), 50, ct);
        result.Metrics["connectErrors"] = openErrors;

        var on = new bool[o.Users];
        var total = (int)(o.Rate * o.Duration);
        var start = DateTime.UtcNow;
        var cpu0 = ProcStats.CpuSeconds(host.Pid);
        try
        {
            var counts = new long[2];
            await Live.RunAsync($"{total} reactions at {o.Rate}/s from {o.Users} users", async () =>
            {
                counts = await StormAsync(api, tokens, reply.Id, on, o.Rate, total, o.Duration, ct);
                return 0;
            }, () => $"{watchers.Sum(w => w.ReactionEvents)} events");
            var (sent, errors) = (counts[0], counts[1]);
            var sendSeconds = (DateTime.UtcNow - start).TotalSeconds;
            var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
            var expected = on.Count(x => x);
            // Coalesced events trail the last request by up to one window.
            await Runner.WaitUntilAsync(() => watchers.All(w => w.LastLikeCount == expected), TimeSpan.FromSeconds(10), ct);
            var rest = await api.GetAsync($"/api/topics/{topic}/replies?order=oldest&limit=5", ct);
            var restCount = rest?["items"]?[0]?["reactions"]?["like"]?.GetValue<int>();

            var events = watchers.Sum(w => w.ReactionEvents);
            result.Metrics["reactionsSent"] = sent;
            result.Metrics["reactionErrors"] = errors;
            result.Metrics["reactionsPerSecond"] = Math.Round(sent / sendSeconds, 1);
            result.Metrics["eventsPerWatcher"] = watchers.Count > 0 ? Math.Round(events / (double)watchers.Count, 1) : 0;
            result.Metrics["eventsPerWatcherPerSecond"] = watchers.Count > 0 ? Math.Round(events / (double)watchers.Count / sendSeconds, 2) : 0;
            result.Metrics["finalCountExpected"] = expected;
            result.Metrics["watchersWithExactFinalCount"] = watchers.Count(w => w.LastLikeCount == expected);
            if (restCount is { } r)
            {
                result.Metrics["finalCountRest"] = r;
                if (r != expected)
                {
                    result.Failures.Add($"REST says {r} likes, expected {expected}");
                }
            }
            result.Metrics["serverCpuCores"] = Math.Round(cpu / sendSeconds, 2);
            result.Metrics["serverCpuMsPerReaction"] = sent > 0 ? Math.Round(cpu * 1000 / sent, 3) : 0;
            if (result.Metrics["watchersWithExactFinalCount"] < watchers.Count)
            {
                result.Failures.Add($"{watchers.Count - (int)result.Metrics["watchersWithExactFinalCount"]} watchers ended with a wrong count");
            }
            if (errors > 0)
            {
                result.Failures.Add($"{errors} reaction requests failed");
            }
        }
        finally
        {
            await Runner.CloseAsync(watchers);
        }
        return result;
    }

    /// <summary>
    /// One sequential loop per user, paced together: op k is due at start + k / rate. Gives [sent, errors]; on[u] is
    /// whether user u's like is on after its last successful request.
    /// </summary>
    private static async Task<long[]> StormAsync(Api api, string[] tokens, string replyId, bool[] on, double rate, int total, int seconds,
        CancellationToken ct)
    {
        long next = -1, sent = 0, errors = 0;
        var start = DateTime.UtcNow;
        var deadline = start.AddSeconds(seconds * 2 + 10);
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(tokens.Length, 256), CancellationToken = ct }, async (u, c) =>
        {
            while (true)
            {
                var k = Interlocked.Increment(ref next);
                if (k >= total || DateTime.UtcNow > deadline)
                {
                    return;
                }
                var wait = start.AddSeconds(k / rate) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, c);
                }
                var want = !on[u];
                if (await api.ReactAsync(tokens[u], replyId, "like", want, c))
                {
                    on[u] = want;
                    Interlocked.Increment(ref sent);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        return [sent, errors];
    }
}
