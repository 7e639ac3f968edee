namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// N clients watch while writers post; the server is killed (SIGKILL) and restarted on the same ports and
/// database. Every client reconnects on its own, calls Watch with the last seq it applied, and must end with
/// every reply posted (201) to its topic: before, during and after the restart.
/// </summary>
public static class ReconnectStorm
{
    public sealed record Options(int Watchers, int Topics, double Rate, int Duration);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        if (!host.CanRestart)
        {
            result.Failures.Add("reconnect-storm needs a server it started itself (no --target)");
            return result;
        }
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var writer = await api.TokenAsync("bench-writer", "member", ct);
        var topics = new List<string>();
        for (var t = 0; t < o.Topics; t++)
        {
            topics.Add(await api.CreateTopicAsync(moderator.Token, $"Restart topic {t}", ct));
        }
        var retry = new BoundedRetry(TimeSpan.FromSeconds(60));
        var (watchers, openErrors) = await Runner.OpenWatchersAsync(o.Watchers, i => Watcher.Create(host.Url, topics[i % topics.Count], null, retry), 50, ct);
        result.Metrics["connectErrors"] = openErrors;
        var posted = topics.ToDictionary(t => t, _ => new List<string>());
        long postFailures = 0;
        try
        {
            var start = DateTime.UtcNow;
            var writing = Runner.PaceAsync((int)(o.Rate * o.Duration), o.Rate, 16, start.AddSeconds(o.Duration * 2 + 30), async k =>
            {
                var topic = topics[k % topics.Count];
                try
                {
                    var reply = await api.PostReplyAsync(writer.Token, topic, $"reply {k}", ct);
                    if (reply is not null)
                    {
                        lock (posted)
                        {
                            posted[topic].Add(reply.Id);
                        }
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                Interlocked.Increment(ref postFailures);
            }, ct);

            await Task.Delay(TimeSpan.FromSeconds(o.Duration / 3.0), ct);
            var killedAt = DateTime.UtcNow;
            await Live.RunAsync("kill -9 and restart", async () => { await host.RestartAsync(ct); return 0; }, () => "restarting");
            var restartSeconds = (DateTime.UtcNow - killedAt).TotalSeconds;
            var allBack = await Live.RunAsync("waiting for every client to resume",
                () => Runner.WaitUntilAsync(() => watchers.All(w => w.ResumedAt > killedAt), TimeSpan.FromSeconds(90), ct),
                () => $"{watchers.Count(w => w.ResumedAt > killedAt)} of {watchers.Count} resumed");
            var resumed = watchers.Where(w => w.ResumedAt > killedAt).ToList();
            result.Metrics["serverRestartSeconds"] = Math.Round(restartSeconds, 2);
            result.Metrics["watchersResumed"] = resumed.Count;
            result.Metrics["allResumedSeconds"] = resumed.Count > 0 ? Math.Round((resumed.Max(w => w.ResumedAt!.Value) - killedAt).TotalSeconds, 2) : double.NaN;
            if (!allBack)
            {
                result.Failures.Add($"{watchers.Count - resumed.Count} of {watchers.Count} clients never resumed within 90 s");
            }
            await writing;

            bool Complete(Watcher w) { lock (posted) { return posted[w.TopicId].All(w.HasReply); } }
            await Runner.WaitUntilAsync(() => watchers.All(Complete), TimeSpan.FromSeconds(15), ct);
            long missing = 0;
            lock (posted)
            {
                foreach (var w in watchers)
                {
                    missing += posted[w.TopicId].Count(id => !w.HasReply(id));
                }
                result.Metrics["repliesPosted"] = posted.Values.Sum(l => l.Count);
            }
            result.Metrics["postsRefusedWhileDown"] = postFailures;
            result.Metrics["missedDeliveries"] = missing;
            result.Metrics["duplicatesDropped"] = watchers.Sum(w => w.Duplicates);
            result.Metrics["resets"] = watchers.Sum(w => w.Resets);
            if (host.Name == TargetHost.LiveCommunity)
            {
                long missingSeqs = 0;
                foreach (var topic in topics)
                {
                    var lastSeq = (await api.GetAsync($"/api/topics/{topic}", ct))?["lastSeq"]?.GetValue<long>() ?? 0;
                    missingSeqs += watchers.Where(w => w.TopicId == topic).Sum(w => w.MissingSeqs(lastSeq));
                }
                result.Metrics["missedSeqs"] = missingSeqs;
                if (missingSeqs > 0)
                {
                    result.Failures.Add($"{missingSeqs} seqs never applied across watchers");
                }
            }
            if (missing > 0)
            {
                result.Failures.Add($"{missing} deliveries missed across {watchers.Count} watchers");
            }
        }
        finally
        {
            await Runner.CloseAsync(watchers);
        }
        return result;
    }
}
