using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

public static partial class ClusterScale
{
    private sealed partial class Run
    {
        /// <summary>Phase 3: a reaction storm on one reply of the hot topic, through every instance; exact final counts.</summary>
        public async Task ReactionStormAsync()
        {
            await All("phase", _ => new JsonObject { ["name"] = "reactions" });
            var phaseStart = Now();
            var target = await apis[0].PostReplyAsync(moderator.Token, topics[0], "React to me", ct)
                ?? throw new InvalidOperationException("could not post the reply to react to");
            postedIds[0].Enqueue(target.Id);
            await WaitAllAsync(() => All("has", _ => new JsonObject { ["topic"] = 0, ["ids"] = new JsonArray(target.Id) }), TimeSpan.FromSeconds(30));
            var a = await SnapAsync();
            var on = new bool[o.Reactors];
            long reactionsSent = 0, reactionErrors = 0, next = -1;
            var total = (int)(o.ReactionRate * o.ReactionSeconds);
            var stormStart = Stopwatch.GetTimestamp();
            await Live.RunAsync($"{total} reactions at {o.ReactionRate}/s from {o.Reactors} users", async () =>
            {
                await Parallel.ForAsync(0, o.Reactors, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(o.Reactors, 128), CancellationToken = ct }, async (u, c) =>
                {
                    while (true)
                    {
                        var k = Interlocked.Increment(ref next);
                        if (k >= total || Stopwatch.GetElapsedTime(stormStart).TotalSeconds > o.ReactionSeconds * 2 + 10)
                        {
                            return;
                        }
                        var wait = TimeSpan.FromSeconds(k / o.ReactionRate) - Stopwatch.GetElapsedTime(stormStart);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, c);
                        }
                        var want = !on[u];
                        if (await Try(() => apis[LiveAt(u)].ReactAsync(reactors[u].Token, target.Id, "like", want, c)))
                        {
                            on[u] = want;
                            Interlocked.Increment(ref reactionsSent);
                        }
                        else
                        {
                            Interlocked.Increment(ref reactionErrors);
                        }
                    }
                });
                return 0;
            }, () => $"{Interlocked.Read(ref reactionsSent)} sent");
            var stormSeconds = Stopwatch.GetElapsedTime(stormStart).TotalSeconds;
            Log($"reaction storm over: {reactionsSent} sent, {reactionErrors} failed in {stormSeconds:0.0} s");
            var b = await SnapAsync();
            var expectedLikes = on.Count(x => x);
            // Every hot-topic watcher with the final count also means the storm's backlog has drained before the removals.
            var likesExact = await WaitAllAsync(() => All("likes", _ => new JsonObject { ["topic"] = 0, ["expected"] = expectedLikes }), TimeSpan.FromSeconds(90), "exact");
            M["reactions.drainSeconds"] = Math.Round(Now() - b.T, 1);
            Log($"{likesExact.Complete} of {likesExact.Watchers} hot-topic watchers have the final count after {M["reactions.drainSeconds"]} s");
            PhaseMetrics(result, "reactions", a, b, n, L, events: null);
            M["reactions.sent"] = reactionsSent;
            M["reactions.errors"] = reactionErrors;
            M["reactions.perSecond"] = Math.Round(reactionsSent / stormSeconds, 1);
            M["reactions.eventsPerHotWatcherPerSecond"] = Math.Round((b.Status.Reactions - a.Status.Reactions) / (double)Math.Max(1, likesExact.Watchers) / (b.T - a.T), 2);
            M["reactions.hotWatchersWithExactCount"] = likesExact.Complete;

            if (reactionErrors > 0)
            {
                result.Failures.Add($"{reactionErrors} reaction requests failed");
            }
            if (likesExact.Complete < likesExact.Watchers)
            {
                result.Failures.Add($"{likesExact.Watchers - likesExact.Complete} of {likesExact.Watchers} hot-topic watchers ended with a wrong like count");
            }
            Phase(result, "reactions", phaseStart, Now());
        }

        /// <summary>Phase 4: replies of the hot topic posted, seen by every watcher, then removed quickly.</summary>
        public async Task RemovalStormAsync()
        {
            await All("phase", _ => new JsonObject { ["name"] = "removal" });
            var phaseStart = Now();
            var toRemove = new string[o.Removals];
            await Parallel.ForAsync(0, o.Removals, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (k, c) =>
            {
                var reply = await apis[LiveAt(k)].PostReplyAsync(writers[k % writers.Length].Token, topics[0], $"to be removed {k}", c)
                    ?? throw new InvalidOperationException("could not post a reply to remove");
                toRemove[k] = reply.Id;
                postedIds[0].Enqueue(reply.Id);
            });
            Log($"posted the {o.Removals} replies to remove");
            var seen = await WaitAllAsync(() => All("has", _ => new JsonObject { ["topic"] = 0, ["ids"] = new JsonArray([.. toRemove.Select(i => (JsonNode)i)]) }), TimeSpan.FromSeconds(60));
            Log($"{seen.Complete} of {seen.Watchers} hot-topic watchers have them; removing");
            var a = await SnapAsync();
            var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            long removeErrors = 0;
            await Runner.PaceAsync(o.Removals, o.RemovalRate, 16, DateTime.UtcNow.AddSeconds(o.Removals / o.RemovalRate * 2 + 30), async k =>
            {
                sentAt[toRemove[k]] = Stopwatch.GetTimestamp();
                if (!await Try(() => apis[LiveAt(k)].RemoveReplyAsync(moderator.Token, toRemove[k], "scale test", ct)))
                {
                    Interlocked.Increment(ref removeErrors);
                }
            }, ct);
            var removed = await WaitAllAsync(() => All("removed", _ => new JsonObject { ["topic"] = 0, ["ids"] = new JsonArray([.. toRemove.Select(i => (JsonNode)i)]) }), TimeSpan.FromSeconds(30));
            var b = await SnapAsync();
            PhaseMetrics(result, "removal", a, b, n, L, events: null);
            var sent = new JsonObject();
            foreach (var (id, t0) in sentAt)
            {
                sent[id] = t0;
            }
            var recorded = await All("removals", _ => new JsonObject { ["sent"] = sent.DeepClone() });
            M["removal.removals"] = o.Removals - removeErrors;
            M["removal.errors"] = removeErrors;
            M["removal.hotWatchers"] = removed.Watchers;
            M["removal.hotWatchersWithEveryRemoval"] = removed.Complete;
            M["removal.deliveries"] = recorded.Sum(r => r["recorded"]!.GetValue<int>());
            M["removal.deliveriesMissing"] = (long)removed.Watchers * (o.Removals - removeErrors) - M["removal.deliveries"];
            M["removal.unexpected"] = recorded.Sum(r => r["unexpected"]!.GetValue<int>());
            if (removeErrors > 0)
            {
                result.Failures.Add($"{removeErrors} of {o.Removals} removals were not answered 204");
            }
            if (removed.Complete < removed.Watchers)
            {
                result.Failures.Add($"{removed.Watchers - removed.Complete} of {removed.Watchers} hot-topic watchers did not get every removal within 30 s");
            }
            Phase(result, "removal", phaseStart, Now());
        }
    }
}
