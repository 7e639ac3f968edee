namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// W watchers spread over T topics; writers post at a fixed rate; every watcher must receive every reply
/// of its topic. Also the body of cluster-latency (writers on one instance, watchers on another) and of
/// the CI smoke run.
/// </summary>
public static class Fanout
{
    public sealed record Options(int Watchers, int Topics, double Rate, int Duration, int Writers, int BodyChars, int DrainSeconds);

    public static async Task<RunResult> RunAsync(TargetHost writeTo, string[] watchUrls, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(writeTo.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var topics = new List<string>();
        for (var t = 0; t < o.Topics; t++)
        {
            topics.Add(await api.CreateTopicAsync(moderator.Token, $"Fan-out topic {t}", ct));
        }
        var writers = new List<TokenDto>();
        for (var i = 0; i < o.Writers; i++)
        {
            writers.Add(await api.TokenAsync($"bench-writer-{i}", "member", ct));
        }

        var latency = new Latency();
        var opened = DateTime.UtcNow;
        var (watchers, openErrors) = await Live.RunAsync("opening watchers",
            () => FanoutWatcher.OpenAsync(o.Watchers, i => (watchUrls[i % watchUrls.Length], topics[i % topics.Count]), latency, 50, ct),
            () => $"{latency.Count}");
        result.Metrics["watchers"] = watchers.Count;
        result.Metrics["connectErrors"] = openErrors;
        result.Metrics["connectSeconds"] = Math.Round((DateTime.UtcNow - opened).TotalSeconds, 2);
        if (openErrors > 0)
        {
            result.Failures.Add($"{openErrors} of {o.Watchers} watchers could not connect");
        }
        try
        {
            var perTopic = topics.ToDictionary(t => t, t => watchers.Count(w => w.TopicId == t));
            var posted = new long[topics.Count];
            long postErrors = 0;
            var body = new string('x', Math.Max(0, o.BodyChars - 24));
            var total = (int)(o.Rate * o.Duration);
            var pacing = new Runner.Pacing();
            var cpu0 = ProcStats.CpuSeconds(writeTo.Pid);
            var start = DateTime.UtcNow;
            long Delivered() => watchers.Sum(w => w.Received);
            long Expected() => topics.Select((t, i) => Interlocked.Read(ref posted[i]) * perTopic[t]).Sum();

            var issued = await Live.RunAsync($"posting {total} replies at {o.Rate}/s to {watchers.Count} watchers",
                () => Runner.PaceAsync(total, o.Rate, 128, start.AddSeconds(o.Duration * 1.5 + 5), async k =>
                {
                    var topic = k % topics.Count;
                    var reply = await api.PostReplyAsync(writers[k % writers.Count].Token, topics[topic], $"reply {k} {body}", ct);
                    if (reply is null)
                    {
                        Interlocked.Increment(ref postErrors);
                    }
                    else
                    {
                        Interlocked.Increment(ref posted[topic]);
                    }
                }, ct, pacing),
                () => $"{posted.Sum()} posted, {Delivered()} delivered, p99 so far n={latency.Count}");
            var writeEnd = DateTime.UtcNow;
            var drained = await Runner.WaitUntilAsync(() => Delivered() >= Expected(), TimeSpan.FromSeconds(o.DrainSeconds), ct);
            var end = DateTime.UtcNow;
            var cpu = ProcStats.CpuSeconds(writeTo.Pid) - cpu0;

            var expected = Expected();
            var delivered = Delivered();
            var elapsed = (end - start).TotalSeconds;
            result.Metrics["repliesPosted"] = posted.Sum();
            result.Metrics["postErrors"] = postErrors;
            result.Metrics["postsPerSecond"] = Math.Round(posted.Sum() / (writeEnd - start).TotalSeconds, 1);
            result.Metrics["issuedPerSecond"] = Math.Round(pacing.IssuedPerSecond(issued, o.Rate), 1);
            result.Metrics["deliveriesExpected"] = expected;
            result.Metrics["deliveries"] = delivered;
            result.Metrics["lost"] = Math.Max(0, expected - delivered);
            result.Metrics["deliveriesPerSecond"] = Math.Round(delivered / elapsed, 1);
            result.Metrics["duplicates"] = watchers.Sum(w => w.Duplicates);
            result.Metrics["seqGaps"] = watchers.Sum(w => w.Gaps);
            result.Metrics["serverCpuCores"] = Math.Round(cpu / elapsed, 2);
            result.Metrics["serverRssMb"] = Math.Round(ProcStats.RssKb(writeTo.Pid) / 1024.0, 1);
            latency.AddTo(result.Metrics);
            if (issued < total)
            {
                result.Failures.Add($"only {issued} of {total} posts were issued in time: the writers could not keep the rate");
            }
            if (!drained || delivered < expected)
            {
                result.Failures.Add($"lost {expected - delivered} of {expected} deliveries ({o.DrainSeconds} s drain)");
            }
            if (watchers.Count(w => w.Dropped) is > 0 and var dropped)
            {
                result.Failures.Add($"{dropped} watchers were disconnected during the run");
            }
            if (postErrors > 0)
            {
                result.Failures.Add($"{postErrors} posts failed");
            }
            else if (delivered > expected)
            {
                // Every watcher watched before the first post: more than posts x watchers is an event sent twice.
                result.Failures.Add($"{delivered - expected} deliveries more than {expected} (posts x watchers): a reply was sent twice");
            }
            if (result.Metrics["seqGaps"] > 0)
            {
                result.Failures.Add($"{result.Metrics["seqGaps"]} seq gaps seen live");
            }
        }
        finally
        {
            await FanoutWatcher.CloseAsync(watchers);
        }
        return result;
    }
}
