namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>The live blog's figures and verdicts, from the ledger, the readers and the offline sample.</summary>
public static partial class LiveBlog
{
    /// <summary>The update target of issue 23: p99 post-to-receipt on one instance.</summary>
    public const double UpdateP99TargetMs = 250;

    private static void Summarize(RunResult result, BlogLedger ledger, List<BlogReader> steady, int updateCount, long updatesPosted,
        int replyCount, long repliesAccepted, double postingSeconds, double elapsed, Options o)
    {
        var m = result.Metrics;
        var dropped = steady.Count(r => r.Dropped);
        var everyUpdate = steady.Count(r => r.Updates >= updatesPosted);
        m["steadyReaders"] = steady.Count;
        m["readersCutOff"] = dropped;
        m["updatesPosted"] = updatesPosted;
        m["updateDeliveriesExpected"] = updatesPosted * steady.Count;
        m["updateDeliveries"] = steady.Sum(r => (long)r.Updates);
        m["readersWithEveryUpdatePct"] = steady.Count > 0 ? Math.Round(100.0 * everyUpdate / steady.Count, 2) : 0;
        ledger.UpdateLatency.AddTo(m, "updateLatency");
        var perUpdate = new List<double[]>();
        var reach = new List<double[]>();
        for (var k = 0; k < updateCount; k++)
        {
            if (ledger.PerUpdate[k].Count > 0)
            {
                perUpdate.Add([k, ledger.PerUpdate[k].PercentileMs(99)]);
            }
            reach.Add([k, steady.Count > 0 ? Math.Round(100.0 * ledger.Reach(k) / steady.Count, 2) : 0]);
        }
        result.Series["updateLatencyP99Ms"] = perUpdate;
        result.Series["updateReachPct"] = reach;
        m["worstUpdateP99Ms"] = perUpdate.Count > 0 ? perUpdate.Max(p => p[1]) : double.NaN;

        // Replies go to the readers of the discussion (Watch) only; the blog's crowd watches updates (WatchUpdates).
        var discussion = steady.Where(r => r.Full).ToList();
        m["discussionReaders"] = discussion.Count;
        var replyDeliveries = discussion.Sum(r => r.Replies);
        var expected = repliesAccepted * discussion.Count;
        m["repliesOffered"] = replyCount;
        m["replyOfferedPerSecond"] = o.ReplyRate;
        m["repliesAccepted"] = repliesAccepted;
        m["replyAcceptedPerSecond"] = Math.Round(repliesAccepted / postingSeconds, 1);
        // What the discussion's readers ask of the instance: every reply to each of them.
        m["replyDeliveriesOfferedPerSecond"] = Math.Round(o.ReplyRate * discussion.Count);
        m["replyDeliveriesExpected"] = expected;
        m["replyDeliveries"] = replyDeliveries;
        m["replyDeliveriesPerSecond"] = Math.Round(replyDeliveries / elapsed, 1);
        m["replyDeliveriesMissingPct"] = expected > 0 ? Math.Round(100.0 * (expected - replyDeliveries) / expected, 2) : 0;
        ledger.ReplyLatency.AddTo(m, "replyLatency");
        m["seqsSkipped"] = steady.Sum(r => r.SkippedSeqs);
        m["duplicates"] = steady.Sum(r => r.Duplicates);

        if (updatesPosted < updateCount)
        {
            result.Failures.Add($"only {updatesPosted} of {updateCount} updates were posted");
        }
        var connectedShort = steady.Count(r => !r.Dropped && r.Updates < updatesPosted);
        if (connectedShort > 0)
        {
            result.Failures.Add($"{connectedShort} readers still connected lack an update at the end of the drain");
        }
        if (dropped > 0)
        {
            result.Notes.Add($"{dropped} of {steady.Count} readers were cut off by the server (slow-consumer protection or a broken socket) and did not come back: " +
                "they count as readers without every update");
        }
        if (m["duplicates"] > 0)
        {
            result.Failures.Add($"{m["duplicates"]} events reached a reader twice live");
        }
        result.Notes.Add("latency here is post-to-receipt: from just before the POST left the load generator to the reader's receive time (one clock)");
        result.Notes.Add("each reader is a lean hub connection (LeanHub.cs: the JSON protocol over one WebSocket, no timer of its own), the same for both hosts, " +
            "so the load generator leaves more of the shared cores to the server");
        result.Notes.Add("rate limits per user and per address lifted, as in every scenario (Hosts.cs); everything else at its default, " +
            "EventLog:MaxReplayEvents (500) and the slow-consumer limits (Limits:MaxPendingSends, StalledSendTimeout) included");
    }

    // Server RSS every second while the story runs: its peak and the series.
    private static async Task SampleRssAsync(TargetHost host, DateTime start, RunResult result, CancellationToken ct)
    {
        var series = new List<double[]>();
        double max = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var mb = ProcStats.RssKb(host.Pid) / 1024.0;
                max = Math.Max(max, mb);
                series.Add([Math.Round((DateTime.UtcNow - start).TotalSeconds, 1), Math.Round(mb, 1)]);
                await Task.Delay(1000, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        result.Metrics["serverRssMaxMb"] = Math.Round(max, 1);
        result.Series["serverRssMb"] = series;
    }

    /// <summary>The doc's target row (DESIGN.md version 3: a live-blog update reaches 15,000 watchers with p99 ≤ 250 ms).</summary>
    public static IEnumerable<(string, string, string)> Targets(List<ScenarioResult> all)
    {
        var run = all.LastOrDefault(r => r.Scenario == "live-blog" && r.LiveCommunity is not null);
        if (run?.LiveCommunity is not { } lc)
        {
            yield break;
        }
        double M(string key) => lc.Metrics.GetValueOrDefault(key, double.NaN);
        var p99 = M("updateLatencyP99Ms");
        var every = M("readersWithEveryUpdatePct");
        var offline = M("offlineReaders") > 0 ? $"; offline sample: {M("offlineComplete"):0} of {M("offlineReaders"):0} got every missed update and reply once, in order" : "";
        yield return ($"live blog, one instance: {run.Parameters.GetValueOrDefault("readers")} readers, an update every {run.Parameters.GetValueOrDefault("updateEvery")} s " +
            $"plus {run.Parameters.GetValueOrDefault("replyRate")} replies/s: every reader gets every update, p99 ≤ {UpdateP99TargetMs:0} ms",
            $"update p99 {p99:0.#} ms (p50 {M("updateLatencyP50Ms"):0.#}, max {M("updateLatencyMaxMs"):0.#}); {every:0.##}% of readers got every update " +
            $"({M("readersCutOff"):0} cut off); replies to {M("discussionReaders"):0} readers of the discussion: {M("replyDeliveriesPerSecond"):0} deliveries/s of {M("replyDeliveriesOfferedPerSecond"):0}/s offered, " +
            $"{M("replyAcceptedPerSecond"):0.#} accepted/s, delivery p99 {M("replyLatencyP99Ms"):0.#} ms; server {M("serverCpuCores"):0.##} cores, RSS {M("serverRssMaxMb"):0} MB{offline}",
            p99 <= UpdateP99TargetMs && every >= 100 && run.Passed && M("readers") >= 15_000 ? "yes" : "**no**");
    }

    private static void CheckOffline(RunResult result, BlogLedger ledger, List<BlogResumer> resumers, long lastSeq)
    {
        var m = result.Metrics;
        foreach (var r in resumers)
        {
            r.Finish(lastSeq);
        }
        var complete = resumers.Count(r => r.Complete(lastSeq));
        m["offlineReaders"] = resumers.Count;
        m["offlineComplete"] = complete;
        m["offlineResetToRest"] = resumers.Count(r => r.Resets > 0);
        m["offlineRestPages"] = resumers.Sum(r => r.RestPages);
        m["offlineMissedEventsAvg"] = resumers.Count > 0 ? Math.Round(resumers.Average(r => r.MissedWhileAway), 1) : 0;
        m["offlineSeqsMissing"] = resumers.Sum(r => r.Missing);
        m["offlineOutOfOrder"] = resumers.Sum(r => r.OutOfOrder);
        m["offlineWrongItems"] = resumers.Sum(r => r.Wrong);
        m["offlineOverlapDropped"] = resumers.Sum(r => r.Overlap);
        var updatesShort = resumers.Count(r => r.UpdatesApplied != ledger.UpdatesBetween(r.From, lastSeq));
        m["offlineReadersMissingAnUpdate"] = updatesShort;
        var caughtUp = resumers.Where(r => r.CaughtUpAfter is not null).Select(r => r.CaughtUpAfter!.Value.TotalMilliseconds).Order().ToList();
        if (caughtUp.Count > 0)
        {
            m["offlineCatchUpP50Ms"] = Math.Round(caughtUp[caughtUp.Count / 2], 1);
            m["offlineCatchUpMaxMs"] = Math.Round(caughtUp[^1], 1);
        }
        foreach (var error in resumers.Where(r => r.Error is not null).GroupBy(r => r.Error))
        {
            result.Notes.Add($"offline sample: {error.Count()}× {error.Key}");
        }
        if (complete < resumers.Count)
        {
            result.Failures.Add($"offline sample: {resumers.Count - complete} of {resumers.Count} readers did not get every missed update and reply once, in order " +
                $"({m["offlineSeqsMissing"]} seqs missing, {m["offlineOutOfOrder"]} out of order, {m["offlineWrongItems"]} wrong items, {updatesShort} short of an update)");
        }
    }
}
