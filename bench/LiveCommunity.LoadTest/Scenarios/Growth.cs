using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Does a write or a read cost more as a story grows? One topic is filled in bulk (direct SQL into the stopped
/// server's SQLite file, see <see cref="GrowthFill"/>) to each size in turn, next to a crowd of known users and
/// a long event log of other topics; at each size the server is restarted and measured the same way: replies/s
/// and reactions/s from N writers in flight (closed loop, REST) with server CPU per write, then the first page
/// of replies and a Watch replay of the last 50 events, one at a time (latency). Sizes are cumulative: the
/// replies a measurement posts stay in the topic. The reference at each size is an empty topic measured in turns with
/// the story in the same process; the story itself when empty (size 0) is kept too.
/// </summary>
public static class Growth
{
    public sealed record Options(int[] Sizes, int InFlight, int Seconds, int KnownUsers, int HistoryEvents, int Reads);

    private const int HistoryTopics = 1_000;

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        if (host.DatabaseConnectionString is not { } database || !host.CanRestart)
        {
            result.Notes.Add("growth needs a LiveCommunity it starts itself (SQLite): not run against --target");
            return result;
        }
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("growth-moderator", "moderator", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "A story that grows", ct);
        var writers = new TokenDto[o.InFlight];
        await Parallel.ForAsync(0, o.InFlight, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, c) => writers[i] = await api.TokenAsync($"growth-writer-{i}", "member", c));
        var tokens = writers.Select(w => w.Token).ToArray();
        // The rows every bulk row is cloned from, written by the server itself.
        var template = (await api.PostReplyAsync(tokens[0], topic, "Template reply", ct))!.Id;
        var fill = new GrowthFill(database);
        result.Notes.Add($"SQLite synchronous={fill.Synchronous()} (a fresh connection of the server's library; the baseline states FULL)");

        host.Kill();
        var filling = Stopwatch.StartNew();
        fill.Users(o.KnownUsers);
        fill.History(topic, HistoryTopics, Math.Max(1, o.HistoryEvents / HistoryTopics));
        result.Notes.Add($"{o.KnownUsers:N0} known users and {o.HistoryEvents:N0} events over {HistoryTopics:N0} other topics filled in {filling.Elapsed.TotalSeconds:F0} s");

        foreach (var size in o.Sizes.Order())
        {
            host.Kill();
            var have = fill.ReplyCount(topic);
            if (size > have)
            {
                // A tenth of the bulk replies by the writers who post next, so their own history is long too.
                fill.Replies(topic, template, fill.LastSeq(topic) + 1, (int)(size - have),
                    i => i % 10 == 0 ? writers[i / 10 % o.InFlight].UserId : $"growth-user-{i % Math.Max(1, o.KnownUsers)}");
            }
            result.Notes.Add($"size {size:N0}: the topic held {Math.Max(size, have):N0} replies when measured");
            await host.RestartAsync(ct);
            Live.Say($"growth: topic at {Math.Max(size, have):N0} replies");
            await MeasureAsync(host, api, moderator.Token, topic, tokens, size, o, result, ct);
        }
        return result;
    }

    private static async Task MeasureAsync(TargetHost host, Api api, string moderatorToken, string topic, string[] tokens, int size, Options o, RunResult result,
        CancellationToken ct)
    {
        var prefix = $"size{size}";
        // A fresh process: JIT, pools and caches warm up on writes that are not measured. Ten seconds: after two,
        // the first measured burst still ran slower (tier-1 compilations still under way) and made whichever topic
        // went first look dearer; measured alone, four bursts each, the story at 50,000 and an empty topic cost the
        // same (1.21 and 1.20 ms CPU per reply).
        // On a topic of its own, so the story holds the size it is measured at.
        var warmup = await api.CreateTopicAsync(moderatorToken, $"Warm-up before a story of {size:N0}", ct);
        await BurstAsync(host, o with { Seconds = 10 }, async (w, k, c) =>
            (await api.PostReplyWithStatusAsync(tokens[w], warmup, $"warm-up {size} {w} {k}", c)).Status == 201, ct);
        // Replies: N writers in flight, each body unique (the duplicate check stays on and must not refuse them). The
        // story and a topic opened just now take turns in the same process and database, so their ratio is the
        // story's size alone, not the machine's drift from one size to the next or the database's own growth.
        var empty = await api.CreateTopicAsync(moderatorToken, $"Empty beside a story of {size:N0}", ct);
        var posted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var story = new List<(double PerSecond, double CpuMs)>();
        var beside = new List<(double PerSecond, double CpuMs)>();
        var replyErrors = 0;
        // Story, empty, empty, story: whatever drifts over the four bursts (the JIT's last tier-1 compilations,
        // the WAL's growth until its checkpoint) falls on both alike.
        (string Topic, List<(double, double)> Into)[] turns = [(topic, story), (empty, beside), (empty, beside), (topic, story)];
        foreach (var (target, into) in turns)
        {
            var round = into.Count;
            var (perSecond, cpuMs, errors) = await BurstAsync(host, o, async (w, k, c) =>
            {
                var (status, reply) = await api.PostReplyWithStatusAsync(tokens[w], target, $"growth {size} {round} {w} {k}", c);
                if (reply is null)
                {
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                }
                else if (target == topic)
                {
                    posted.Add(reply.Id);
                }
                return reply is not null;
            }, ct);
            into.Add((perSecond, cpuMs));
            replyErrors += errors;
        }
        var replies = story.Average(r => r.PerSecond);
        var emptyReplies = beside.Average(r => r.PerSecond);
        result.Metrics[prefix + "RepliesPosted"] = posted.Count;
        Record(result, size, "repliesPerSecond", Math.Round(replies, 1), prefix + "RepliesPerSecond");
        Record(result, size, "cpuMsPerReply", Math.Round(story.Average(r => r.CpuMs), 3), prefix + "CpuMsPerReply");
        result.Metrics[prefix + "EmptyRepliesPerSecond"] = Math.Round(emptyReplies, 1);
        result.Metrics[prefix + "EmptyCpuMsPerReply"] = Math.Round(beside.Average(r => r.CpuMs), 3);
        Record(result, size, "repliesVsEmpty", emptyReplies > 0 ? Math.Round(replies / emptyReplies, 3) : 0, prefix + "RepliesVsEmpty");
        result.Metrics[prefix + "ReplyErrors"] = replyErrors;
        foreach (var (status, count) in statuses)
        {
            result.Notes.Add($"{prefix}: {count} replies answered {status}");
        }

        // Reactions: each writer toggles its like on a few of the newest replies.
        var targets = posted.Take(10).ToArray();
        var liked = new bool[o.InFlight, Math.Max(1, targets.Length)];
        var (reactions, reactionCpu, reactionErrors) = targets.Length == 0 ? (0, 0, 0) : await BurstAsync(host, o, async (w, k, c) =>
        {
            var t = (w + k) % targets.Length;
            var ok = await api.ReactAsync(tokens[w], targets[t], "like", !liked[w, t], c);
            liked[w, t] ^= ok;
            return ok;
        }, ct);
        Record(result, size, "reactionsPerSecond", reactions, prefix + "ReactionsPerSecond");
        Record(result, size, "cpuMsPerReaction", reactionCpu, prefix + "CpuMsPerReaction");
        result.Metrics[prefix + "ReactionErrors"] = reactionErrors;

        // Reads, one at a time: the first page (signed in, so not the shared cache) and a Watch replay.
        var page = new Latency();
        for (var i = 0; i < o.Reads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var status = await api.SendAsync(HttpMethod.Get, $"/api/topics/{topic}/replies?limit=50", tokens[i % tokens.Length], null, ct);
            page.Record(Stopwatch.GetElapsedTime(started));
            if (status != 200)
            {
                result.Failures.Add($"{prefix}: first page answered {status}");
                break;
            }
        }
        page.AddTo(result.Metrics, prefix + "FirstPage");
        Record(result, size, "firstPageP50Ms", page.PercentileMs(50), null);

        var replay = new Latency();
        await using (var hub = Api.Hub(host.Url, token: tokens[0]))
        {
            await hub.StartAsync(ct);
            var last = (await hub.InvokeAsync<JsonElement>("Watch", topic, null, ct)).GetProperty("lastSeq").GetInt64();
            await hub.InvokeAsync("Unwatch", topic, ct);
            for (var i = 0; i < o.Reads; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var watched = await hub.InvokeAsync<JsonElement>("Watch", topic, Math.Max(0, last - 50), ct);
                replay.Record(Stopwatch.GetElapsedTime(started));
                if (watched.GetProperty("missed").GetArrayLength() == 0 && last > 1)
                {
                    result.Failures.Add($"{prefix}: Watch replayed nothing after seq {last - 50}");
                    break;
                }
                await hub.InvokeAsync("Unwatch", topic, ct);
            }
        }
        replay.AddTo(result.Metrics, prefix + "Replay");
        Record(result, size, "replayP50Ms", replay.PercentileMs(50), null);
    }

    // N writers in flight for the scenario's seconds: writes/s, server CPU ms per write, failed writes.
    private static async Task<(double PerSecond, double CpuMs, int Errors)> BurstAsync(
        TargetHost host, Options o, Func<int, int, CancellationToken, Task<bool>> write, CancellationToken ct)
    {
        long done = 0, failed = 0;
        var cpu0 = ProcStats.CpuSeconds(host.Pid);
        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow.AddSeconds(o.Seconds);
        await Parallel.ForAsync(0, o.InFlight, new ParallelOptions { MaxDegreeOfParallelism = o.InFlight, CancellationToken = ct }, async (w, c) =>
        {
            for (var k = 0; DateTime.UtcNow < until; k++)
            {
                if (await write(w, k, c))
                {
                    Interlocked.Increment(ref done);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        });
        var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
        return (Math.Round(done / watch.Elapsed.TotalSeconds, 1), done > 0 ? Math.Round(cpu * 1000 / done, 3) : 0, (int)failed);
    }

    private static void Record(RunResult result, int size, string series, double value, string? metric)
    {
        if (metric is not null)
        {
            result.Metrics[metric] = value;
        }
        result.AddPoint(series, size, Math.Round(value, 3));
    }
}
