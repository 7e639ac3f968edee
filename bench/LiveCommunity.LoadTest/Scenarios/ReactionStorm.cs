namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Many users toggle "like" on one reply at thousands per second. Each user's requests are sequential, so
/// the final count is known exactly: the users whose last successful request was a PUT.
/// </summary>
public static class ReactionStorm
{
    public sealed record Options(int Users, double Rate, int Watchers, int Duration);

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
        var (watchers, openErrors) = await Runner.OpenWatchersAsync(o.Watchers, _ => Watcher.Create(host.Url, topic, null), 50, ct);
        result.Metrics["connectErrors"] = openErrors;

        var on = new bool[o.Users];
        var total = (int)(o.Rate * o.Duration);
        long next = -1, sent = 0, errors = 0;
        var start = DateTime.UtcNow;
        var deadline = start.AddSeconds(o.Duration * 2 + 10);
        var cpu0 = ProcStats.CpuSeconds(host.Pid);
        try
        {
            // One sequential loop per user, paced together: op k is due at start + k / rate.
            await Live.RunAsync($"{total} reactions at {o.Rate}/s from {o.Users} users", async () =>
            {
                await Parallel.ForAsync(0, o.Users, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(o.Users, 256), CancellationToken = ct }, async (u, c) =>
                {
                    while (true)
                    {
                        var k = Interlocked.Increment(ref next);
                        if (k >= total || DateTime.UtcNow > deadline)
                        {
                            return;
                        }
                        var wait = start.AddSeconds(k / o.Rate) - DateTime.UtcNow;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, c);
                        }
                        var want = !on[u];
                        if (await api.ReactAsync(tokens[u], reply.Id, "like", want, c))
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
                return 0;
            }, () => $"{Interlocked.Read(ref sent)} sent, {watchers.Sum(w => w.ReactionEvents)} events");
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
}
