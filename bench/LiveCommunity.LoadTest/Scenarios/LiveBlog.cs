using System.Collections.Concurrent;
using System.Globalization;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Issue 23: a live blog on one instance. R readers watch one story: the crowd its updates only (WatchUpdates, as
/// &lt;live-blog&gt; does), the first D of them the discussion too (Watch, as &lt;live-thread&gt; does); a journalist posts an update every U seconds while readers post
/// replies at a set rate. Per update: post-to-receipt latency over all readers and how many got it; replies:
/// offered and accepted rate, deliveries/s, delivery latency. Mid-run a sample of readers goes offline for a
/// while, comes back with Watch(topic, lastSeq) and must get every missed update and reply in order, once
/// (<see cref="BlogResumer"/>). Readers the server cuts off (its slow-consumer protection) stay off and are counted.
/// </summary>
public static partial class LiveBlog
{
    public sealed record Options(int Readers, double UpdateEvery, double ReplyRate, int Duration, int Offline, int OfflineReaders,
        int Writers, int BodyChars, double ConnectRate, int DrainSeconds, int Discussion);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var journalist = await api.TokenAsync("bench-journalist", "journalist", ct);
        var topic = await api.CreateTopicAsync(journalist.Token, "Live: the story of the day", ct);
        var writers = new List<TokenDto>();
        for (var i = 0; i < o.Writers; i++)
        {
            writers.Add(await api.TokenAsync($"bench-writer-{i}", "member", ct));
        }
        var updateCount = Math.Max(1, (int)Math.Ceiling(o.Duration / o.UpdateEvery));
        var replyCount = (int)(o.ReplyRate * o.Duration);
        var ledger = new BlogLedger(updateCount, replyCount);

        // Unmeasured first: the update and reply paths are compiled and tiered up, as on a server that has been up
        // for more than a moment. Before any reader watches, so no reader sees them.
        await api.PostAsync<BlogItem>($"/api/topics/{topic}/updates", journalist.Token, new { body = "Warming up." }, ct);
        await api.PostAsync<BlogItem>($"/api/topics/{topic}/replies", writers[0].Token, new { body = "Warming up." }, ct);

        // The bare hub keeps no log, so it has no offline sample: it opens only as many readers as LiveCommunity
        // keeps watching throughout, so the two fan out to the same number.
        var sampleSize = o.Offline > 0 ? Math.Min(o.OfflineReaders, o.Readers) : 0;
        var offlineSample = host.Name == TargetHost.LiveCommunity ? sampleSize : 0;
        var readers = await OpenReadersAsync(host, topic, ledger, o with { Readers = o.Readers - (sampleSize - offlineSample) }, offlineSample, result, ct);
        if (sampleSize > 0)
        {
            result.Notes.Add($"the offline sample's {sampleSize} readers are outside the steady figures; the bare hub has no log to resume from, so no sample: " +
                "it watched with that many fewer readers, as many as LiveCommunity kept watching throughout");
        }
        var steady = readers.Where(r => !r.Sample).ToList();
        var sample = readers.Where(r => r.Sample).ToList();
        var resumers = new ConcurrentBag<BlogResumer>();
        try
        {
            var padding = new string('x', Math.Max(0, o.BodyChars - 8));
            long updatesPosted = 0, repliesAccepted = 0;
            var replyStatus = new ConcurrentDictionary<int, int>();
            var updateErrors = new ConcurrentDictionary<int, int>();
            var updatePosts = new Latency();
            var cpu0 = ProcStats.CpuSeconds(host.Pid);
            var ownCpu0 = ProcStats.CpuSeconds(Environment.ProcessId);
            var start = DateTime.UtcNow;
            using var sampling = new CancellationTokenSource();
            var rss = SampleRssAsync(host, start, result, sampling.Token);

            // One post: its send time first, then the server's answer (its seq and id, or the status that refused it).
            async Task<bool> PostAsync(bool update, int k, string path, string token, object body, ConcurrentDictionary<int, int> refused)
            {
                ledger.Sent(update, k);
                var (status, item) = (0, (BlogItem?)null);
                try
                {
                    (status, item) = await api.PostAsync<BlogItem>(path, token, body, ct);
                }
                catch (HttpRequestException)
                {
                }
                if (item is null)
                {
                    refused.AddOrUpdate(status, 1, (_, n) => n + 1);
                    return false;
                }
                if (update)
                {
                    ledger.AcceptedUpdate(item);
                }
                else
                {
                    ledger.Accepted(item);
                }
                return true;
            }
            var updating = Runner.PaceAsync(updateCount, 1 / o.UpdateEvery, 4, start.AddSeconds(o.Duration + 5), async k =>
            {
                var posting = System.Diagnostics.Stopwatch.GetTimestamp();
                if (await PostAsync(true, k, $"/api/topics/{topic}/updates", journalist.Token, new { body = BlogLedger.UpdateBody(k), keyEvent = k % 5 == 0 }, updateErrors))
                {
                    Interlocked.Increment(ref updatesPosted);
                }
                // The POST's own round trip: the write path's share of post-to-receipt.
                updatePosts.Record(System.Diagnostics.Stopwatch.GetElapsedTime(posting));
            }, ct);
            var replying = Runner.PaceAsync(replyCount, o.ReplyRate, 256, start.AddSeconds(o.Duration * 1.5 + 5), async k =>
            {
                if (await PostAsync(false, k, $"/api/topics/{topic}/replies", writers[k % writers.Count].Token, new { body = BlogLedger.ReplyBody(k, padding) }, replyStatus))
                {
                    Interlocked.Increment(ref repliesAccepted);
                }
            }, ct);
            var offline = sample.Count > 0
                ? OfflinePhaseAsync(host, api, topic, ledger, sample, resumers, start, o, ct)
                : Task.CompletedTask;

            await Live.RunAsync($"{readers.Count} readers: an update every {o.UpdateEvery} s, {o.ReplyRate} replies/s for {o.Duration} s",
                async () =>
                {
                    await Task.WhenAll(updating, replying, offline);
                    return 0;
                },
                () => $"{Interlocked.Read(ref updatesPosted)} updates, {Interlocked.Read(ref repliesAccepted)} replies accepted, " +
                      $"{steady.Sum(r => r.Replies)} reply deliveries, {steady.Count(r => r.Dropped)} readers cut off");
            var writeEnd = DateTime.UtcNow;

            // Drain: every reader still connected has every update and reply, and every resumer has the topic's end.
            var lastSeq = await TopicLastSeqAsync(api, topic, ct);
            bool Done() => steady.All(r => r.Dropped || (r.Updates >= updatesPosted && (!r.Full || r.Replies >= repliesAccepted)))
                && resumers.All(r => r.Error is not null || r.LastApplied >= lastSeq);
            var drained = await Live.RunAsync($"draining (at most {o.DrainSeconds} s)",
                () => Runner.WaitUntilAsync(Done, TimeSpan.FromSeconds(o.DrainSeconds), ct),
                () => $"{steady.Sum(r => r.Replies)} of {repliesAccepted * steady.Count(r => r.Full && !r.Dropped)} reply deliveries");
            var end = DateTime.UtcNow;
            var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
            var ownCpu = ProcStats.CpuSeconds(Environment.ProcessId) - ownCpu0;
            await sampling.CancelAsync();
            await rss;

            var elapsed = (end - start).TotalSeconds;
            var m = result.Metrics;
            m["serverCpuCores"] = Math.Round(cpu / elapsed, 2);
            m["loadGeneratorCpuCores"] = Math.Round(ownCpu / elapsed, 2);
            m["serverRssMb"] = Math.Round(ProcStats.RssKb(host.Pid) / 1024.0, 1);
            m["drainSeconds"] = Math.Round((end - writeEnd).TotalSeconds, 1);
            updatePosts.AddTo(m, "updatePostLatency");
            Summarize(result, ledger, steady, updateCount, updatesPosted, replyCount, repliesAccepted, (writeEnd - start).TotalSeconds, elapsed, o);
            m["repliesSent"] = replying.Result;
            if (replying.Result < replyCount)
            {
                result.Notes.Add($"{replyCount - replying.Result} of {replyCount} replies were not sent before the sender's deadline ({o.Duration * 1.5 + 5:0} s " +
                    "after the start): posting falls behind the rate when all 256 posts in flight wait on answers");
            }
            foreach (var (status, n) in replyStatus.OrderBy(s => s.Key))
            {
                result.Notes.Add($"{n} replies answered {(status == 0 ? "no response" : status.ToString(CultureInfo.InvariantCulture))}");
            }
            foreach (var (status, n) in updateErrors)
            {
                result.Failures.Add($"{n} updates answered {(status == 0 ? "no response" : status.ToString(CultureInfo.InvariantCulture))}");
            }
            if (!drained)
            {
                result.Notes.Add($"not every connected reader had every delivery {o.DrainSeconds} s after the last post");
            }
            if (sample.Count > 0)
            {
                CheckOffline(result, ledger, resumers.ToList(), lastSeq);
            }
        }
        finally
        {
            await CloseAsync(readers, resumers);
        }
        return result;
    }

    private static async Task<List<BlogReader>> OpenReadersAsync(TargetHost host, string topic, BlogLedger ledger, Options o, int sample,
        RunResult result, CancellationToken ct)
    {
        var readers = new List<BlogReader>(o.Readers);
        var errors = new ConcurrentDictionary<string, int>();
        var opened = DateTime.UtcNow;
        await Live.RunAsync($"opening {o.Readers} readers at {o.ConnectRate}/s",
            () => Runner.PaceAsync(o.Readers, o.ConnectRate, 64, opened.AddSeconds(o.Readers / o.ConnectRate * 3 + 60), async i =>
            {
                // The offline sample and then D more read the discussion too (Watch); the crowd reads the blog (WatchUpdates).
                var reader = new BlogReader(host.Urls[i % host.Urls.Length], ledger, i < sample, i < sample + o.Discussion);
                try
                {
                    await reader.StartAsync(topic, ct);
                    lock (readers)
                    {
                        readers.Add(reader);
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                    await reader.LeaveAsync();
                }
            }, ct),
            () => $"{readers.Count} watching");
        result.Metrics["readers"] = readers.Count;
        result.Metrics["connectErrors"] = errors.Values.Sum();
        result.Metrics["connectSeconds"] = Math.Round((DateTime.UtcNow - opened).TotalSeconds, 1);
        if (readers.Count < o.Readers)
        {
            result.Failures.Add($"{o.Readers - readers.Count} of {o.Readers} readers could not connect ({string.Join(", ", errors.Select(e => $"{e.Value}× {e.Key}"))})");
        }
        return readers;
    }

    // Halfway through, the sample leaves for --offline seconds, then comes back and catches up.
    private static async Task OfflinePhaseAsync(TargetHost host, Api api, string topic, BlogLedger ledger, List<BlogReader> sample,
        ConcurrentBag<BlogResumer> resumers, DateTime start, Options o, CancellationToken ct)
    {
        var leaveAt = start.AddSeconds(Math.Max(0, (o.Duration - o.Offline) / 2.0));
        await Task.Delay(Max0(leaveAt - DateTime.UtcNow), ct);
        await Task.WhenAll(sample.Select(r => r.LeaveAsync()));
        await Task.Delay(TimeSpan.FromSeconds(o.Offline), ct);
        // A resume that has not caught up within this is reported as such, so a saturated server cannot hold the run.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(Math.Max(60, o.Offline) + o.DrainSeconds));
        await Task.WhenAll(sample.Select(async (r, i) =>
        {
            var resumer = new BlogResumer(host.Urls[i % host.Urls.Length], topic, r.LastSeq, api, ledger);
            resumers.Add(resumer);
            await resumer.ResumeAsync(limit.Token);
        }));
    }

    private static TimeSpan Max0(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

    private static async Task<long> TopicLastSeqAsync(Api api, string topic, CancellationToken ct) =>
        (await api.GetAsync($"/api/topics/{topic}", ct))?["lastSeq"]?.GetValue<long>() ?? 0;

    private static async Task CloseAsync(List<BlogReader> readers, IEnumerable<BlogResumer> resumers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = timeout.Token };
        try
        {
            await Parallel.ForEachAsync(readers, options, async (r, _) => await r.LeaveAsync());
            await Parallel.ForEachAsync(resumers, options, async (r, _) => await r.LeaveAsync());
        }
        catch (OperationCanceledException)
        {
            Live.Say("closing the readers took over 60 s; the rest close with the process");
        }
    }
}
