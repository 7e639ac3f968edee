using System.Collections.Concurrent;
using System.Diagnostics;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// A removal reaches every watcher: W watchers on T topics; a member posts N replies (and we wait until every
/// watcher has each); then a moderator removes them one by one at a set rate (DELETE /api/replies/{id}?reason=).
/// Latency per watcher: from just before the DELETE is sent to that watcher's ReplyRemoved for the reply (one
/// machine clock, Stopwatch). Also: how many watchers got every removal of their topic, and how many are missing.
/// First, unless --warmup 0, one reply per topic is posted and removed unmeasured, so the removal path's
/// first-call costs (JIT, pools) on either target are not in the figures: with 50 removals one cold removal
/// is 2% of the samples, and would be the p99 by itself.
/// With watch URLs of another instance (--target2), the removal crosses the cluster's backplane.
/// </summary>
public static class Moderation
{
    public sealed record Options(int Watchers, int Topics, int Replies, double Rate, int DrainSeconds, int Warmup);

    public static async Task<RunResult> RunAsync(TargetHost writeTo, string[] watchUrls, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(writeTo.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var member = await api.TokenAsync("bench-member", "member", ct);
        var topics = new List<string>();
        for (var t = 0; t < Math.Max(1, o.Topics); t++)
        {
            topics.Add(await api.CreateTopicAsync(moderator.Token, $"Moderation topic {t}", ct));
        }

        var removal = new Latency();
        var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long unexpected = 0;
        var warmIds = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        void OnRemoved(string replyId, long receivedAt)
        {
            if (warmIds.ContainsKey(replyId))
            {
                return;
            }
            if (sentAt.TryGetValue(replyId, out var sent))
            {
                removal.Record(Stopwatch.GetElapsedTime(sent, receivedAt));
            }
            else
            {
                Interlocked.Increment(ref unexpected);
            }
        }

        var postLatency = new Latency();
        var opened = DateTime.UtcNow;
        var (watchers, openErrors) = await Live.RunAsync("opening watchers",
            () => Runner.OpenWatchersAsync(o.Watchers, i =>
            {
                var w = Watcher.Create(watchUrls[i % watchUrls.Length], topics[i % topics.Count], postLatency);
                w.Removed = OnRemoved;
                return w;
            }, 50, ct),
            () => "");
        result.Metrics["watchers"] = watchers.Count;
        result.Metrics["connectErrors"] = openErrors;
        result.Metrics["connectSeconds"] = Math.Round((DateTime.UtcNow - opened).TotalSeconds, 2);
        if (openErrors > 0)
        {
            result.Failures.Add($"{openErrors} of {o.Watchers} watchers could not connect");
        }
        try
        {
            // 0. Warm-up: posted and removed, not measured.
            for (var i = 0; i < o.Warmup; i++)
            {
                foreach (var topic in topics)
                {
                    var reply = await api.PostReplyAsync(member.Token, topic, $"warm-up {i}", ct)
                        ?? throw new InvalidOperationException("the warm-up reply could not be posted");
                    warmIds[reply.Id] = 0;
                }
            }
            if (o.Warmup > 0)
            {
                await Runner.WaitUntilAsync(() => watchers.All(w => w.Received >= o.Warmup), TimeSpan.FromSeconds(o.DrainSeconds), ct);
                foreach (var id in warmIds.Keys)
                {
                    await api.RemoveReplyAsync(moderator.Token, id, "bench warm-up", ct);
                }
                await Runner.WaitUntilAsync(() => watchers.All(w => w.RemovalsReceived >= o.Warmup), TimeSpan.FromSeconds(o.DrainSeconds), ct);
                result.Notes.Add($"{o.Warmup} reply per topic posted and removed before the measured removals, not counted");
            }
            var receivedBefore = watchers.ToDictionary(w => w, w => w.Received);
            var removedBefore = watchers.ToDictionary(w => w, w => w.RemovalsReceived);

            // 1. The replies to remove, each seen by every watcher of its topic before any removal starts.
            var replies = new ConcurrentBag<(int Topic, string Id)>();
            long postErrors = 0;
            await Live.RunAsync($"posting {o.Replies} replies",
                () => Runner.PaceAsync(o.Replies, 50, 16, DateTime.UtcNow.AddSeconds(o.Replies / 50.0 * 2 + 30), async k =>
                {
                    var topic = k % topics.Count;
                    var reply = await api.PostReplyAsync(member.Token, topics[topic], $"to be removed {k}", ct);
                    if (reply is null)
                    {
                        Interlocked.Increment(ref postErrors);
                    }
                    else
                    {
                        replies.Add((topic, reply.Id));
                    }
                }, ct),
                () => $"{replies.Count} posted");
            var postedPerTopic = topics.Select((_, i) => replies.Count(r => r.Topic == i)).ToArray();
            var allSeen = await Live.RunAsync("waiting until every watcher has every reply",
                () => Runner.WaitUntilAsync(() => watchers.All(w => w.Received - receivedBefore[w] >= postedPerTopic[topics.IndexOf(w.TopicId)]), TimeSpan.FromSeconds(o.DrainSeconds), ct),
                () => $"{watchers.Sum(w => w.Received - receivedBefore[w])} of {watchers.Sum(w => (long)postedPerTopic[topics.IndexOf(w.TopicId)])}");
            result.Metrics["repliesPosted"] = replies.Count;
            result.Metrics["postErrors"] = postErrors;
            postLatency.AddTo(result.Metrics, "postLatency");
            if (postErrors > 0)
            {
                result.Failures.Add($"{postErrors} of {o.Replies} posts failed");
            }
            if (!allSeen)
            {
                result.Failures.Add("not every watcher had every reply before the removals started");
            }

            // 2. Remove them one by one at the set rate, in posting order (the bag's order does not matter).
            var toRemove = replies.ToArray();
            var removedPerTopic = new long[topics.Count];
            long removeErrors = 0;
            var callLatency = new Latency();
            var cpu0 = ProcStats.CpuSeconds(writeTo.Pid);
            var start = DateTime.UtcNow;
            await Live.RunAsync($"removing {toRemove.Length} replies at {o.Rate}/s",
                () => Runner.PaceAsync(toRemove.Length, o.Rate, 16, start.AddSeconds(toRemove.Length / o.Rate * 2 + 30), async k =>
                {
                    var (topic, id) = toRemove[k];
                    var t0 = Stopwatch.GetTimestamp();
                    sentAt[id] = t0;
                    if (await api.RemoveReplyAsync(moderator.Token, id, "bench", ct))
                    {
                        callLatency.Record(Stopwatch.GetElapsedTime(t0));
                        Interlocked.Increment(ref removedPerTopic[topic]);
                    }
                    else
                    {
                        Interlocked.Increment(ref removeErrors);
                    }
                }, ct),
                () => $"{removedPerTopic.Sum()} removed, {removal.Count} removals delivered");
            long Expected(Watcher w) => Interlocked.Read(ref removedPerTopic[topics.IndexOf(w.TopicId)]);
            long Got(Watcher w) => w.RemovalsReceived - removedBefore[w];
            var drained = await Runner.WaitUntilAsync(() => watchers.All(w => Got(w) >= Expected(w)), TimeSpan.FromSeconds(o.DrainSeconds), ct);
            var elapsed = (DateTime.UtcNow - start).TotalSeconds;
            var cpu = ProcStats.CpuSeconds(writeTo.Pid) - cpu0;

            var removed = removedPerTopic.Sum();
            var expected = watchers.Sum(Expected);
            var delivered = watchers.Sum(w => Math.Min(Got(w), Expected(w)));
            var complete = watchers.Count(w => Got(w) >= Expected(w));
            result.Metrics["removals"] = removed;
            result.Metrics["removeErrors"] = removeErrors;
            result.Metrics["removalDeliveriesExpected"] = expected;
            result.Metrics["removalDeliveries"] = delivered;
            result.Metrics["removalsMissing"] = expected - delivered;
            result.Metrics["watchersWithEveryRemoval"] = complete;
            result.Metrics["watchersWithEveryRemovalPct"] = watchers.Count == 0 ? 0 : Math.Round(100.0 * complete / watchers.Count, 2);
            result.Metrics["unexpectedRemovals"] = Interlocked.Read(ref unexpected);
            result.Metrics["duplicates"] = watchers.Sum(w => w.Duplicates);
            result.Metrics["seqGaps"] = watchers.Sum(w => w.Gaps);
            result.Metrics["serverCpuCores"] = Math.Round(cpu / elapsed, 2);
            removal.AddTo(result.Metrics, "removalLatency");
            callLatency.AddTo(result.Metrics, "removeCallLatency");
            if (removeErrors > 0)
            {
                result.Failures.Add($"{removeErrors} of {toRemove.Length} removals were not answered 204");
            }
            if (!drained || delivered < expected)
            {
                result.Failures.Add($"{expected - delivered} of {expected} removal deliveries missing after a {o.DrainSeconds} s drain: {watchers.Count - complete} watchers did not get every removal");
            }
            if (result.Metrics["seqGaps"] > 0)
            {
                result.Failures.Add($"{result.Metrics["seqGaps"]} seq gaps seen live");
            }
        }
        finally
        {
            await Runner.CloseAsync(watchers);
        }
        return result;
    }
}
