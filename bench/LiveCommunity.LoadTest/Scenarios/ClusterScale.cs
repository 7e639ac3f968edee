using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Scale-out on the local cluster (scripts/cluster.sh: N instances, PostgreSQL, Redis). This process coordinates;
/// the watchers live in several child processes (<see cref="ClusterScaleWorker"/>), each under the per-process
/// open-file limit, spread evenly over the instances and over T topics with a skewed popularity (one hot topic with
/// a share of them, the rest Zipf-like). Phases, with replies posted at a steady rate over all topics throughout:
/// <list type="number">
/// <item>connect: every watcher opens and watches; server memory per connection per instance, Redis channels;</item>
/// <item>steady: posting only; deliveries/s, post-to-delivery latency per instance, CPU, Redis and PostgreSQL rates;</item>
/// <item>reactions: a reaction storm on one reply of the hot topic; events per watcher, exact final counts;</item>
/// <item>removal: a moderator removes replies of the hot topic quickly; removal-to-delivery latency per instance;</item>
/// <item>kill: the survivors shed watchers until they can take the victim's share under the open-file limit, then one
///   instance is killed with SIGKILL; its watchers reconnect to the others and resume; time until all resumed;</item>
/// <item>check: every watcher still open has applied every seq of its topic and every reply posted, none twice.</item>
/// </list>
/// </summary>
public static class ClusterScale
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Options(
        int Watchers, int Topics, double HotShare, double Zipf, int Processes, int OpenParallel,
        double Rate, int Writers, int BodyChars, int SteadySeconds,
        int Reactors, double ReactionRate, int ReactionSeconds,
        int Removals, double RemovalRate,
        bool Kill, int KillInstance, int MaxPerInstance, int AfterKillSeconds, int ResumeTimeoutSeconds,
        int DrainSeconds, string ClusterDir, int RedisPort, int PgPort, string WorkDir);

    /// <summary>Watchers per topic: topic 0 gets <paramref name="hotShare"/>, the others 1/k^s of the rest (largest remainder).</summary>
    public static int[] Popularity(int watchers, int topics, double hotShare, double s)
    {
        var counts = new int[topics];
        if (topics == 1)
        {
            counts[0] = watchers;
            return counts;
        }
        counts[0] = (int)Math.Round(watchers * hotShare);
        var rest = watchers - counts[0];
        var weights = Enumerable.Range(1, topics - 1).Select(k => 1 / Math.Pow(k, s)).ToArray();
        var sum = weights.Sum();
        var exact = weights.Select(w => rest * w / sum).ToArray();
        for (var k = 0; k < exact.Length; k++)
        {
            counts[k + 1] = (int)Math.Floor(exact[k]);
        }
        var left = rest - counts.Skip(1).Sum();
        foreach (var k in Enumerable.Range(0, exact.Length).OrderByDescending(k => exact[k] - Math.Floor(exact[k])).Take(left))
        {
            counts[k + 1]++;
        }
        return counts;
    }

    private sealed record Agg(int[] Connected, int Reconnecting, int Disconnected, long Posted, long Reactions, long Removals,
        long Presence, int Victims, int VictimsResumed, DateTime? LastResume)
    {
        public long Deliveries => Posted + Reactions + Removals;
    }

    private sealed record Snap(double T, double[] Cpu, Dictionary<string, double> Redis, Dictionary<string, double> Pg, long Seqs, Agg Status, int Reads,
        double MachineBusy, double ClientCpu);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        var m = result.Metrics;
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), Math.Max(minIo, 16)); // bursts of requests on busy cores
        var urls = host.Urls;
        var n = urls.Length;
        if (n < 2)
        {
            result.Failures.Add("cluster-scale needs at least two instances (--target URL URL …)");
            return result;
        }
        var ports = urls.Select(u => new Uri(u).Port).ToArray();
        string L(int i) => ports[i].ToString(Inv);
        var pids = ports.Select(p => ReadPid(Path.Combine(o.ClusterDir, $"app-{p}.pid"))).ToArray();
        if (pids.Any(p => p is null))
        {
            result.Notes.Add($"pid files missing under {o.ClusterDir}: no memory or CPU figures, and no kill");
        }
        var apis = urls.Select(u => new Api(u)).ToArray();
        var probes = new ClusterProbes(o.RedisPort, o.PgPort);
        var clock = Stopwatch.StartNew();
        double Now() => Math.Round(clock.Elapsed.TotalSeconds, 2);
        var live = Enumerable.Range(0, n).ToList();
        int LiveAt(long k) { lock (live) { return live[(int)(k % live.Count)]; } }
        var workers = new List<WorkerProcess>();
        using var stopSampling = new CancellationTokenSource();
        using var stopPosting = new CancellationTokenSource();
        Task sampling = Task.CompletedTask, posting = Task.CompletedTask;
        try
        {
            m["machine.loadAverageAtStart"] = LoadAverage();
            // --- Setup: users and topics (through every instance), watchers per topic and per instance.
            var moderator = await apis[0].TokenAsync("scale-moderator", "moderator", ct);
            var writers = new TokenDto[o.Writers];
            var reactors = new TokenDto[o.Reactors];
            await Parallel.ForAsync(0, o.Writers + o.Reactors, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
            {
                if (i < o.Writers)
                {
                    writers[i] = await apis[i % n].TokenAsync($"scale-writer-{i}", "member", c);
                }
                else
                {
                    reactors[i - o.Writers] = await apis[i % n].TokenAsync($"scale-reactor-{i - o.Writers}", "member", c);
                }
            });
            var topics = new string[o.Topics];
            await Parallel.ForAsync(0, o.Topics, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (t, c) =>
                topics[t] = await apis[t % n].CreateTopicAsync(moderator.Token, t == 0 ? "Scale test: the hot topic" : $"Scale test topic {t}", c));
            var perTopic = Popularity(o.Watchers, o.Topics, o.HotShare, o.Zipf);
            var processes = o.Processes > 0 ? o.Processes : Math.Max(1, (int)Math.Ceiling(o.Watchers / 12_500.0));
            var plans = Enumerable.Range(0, processes).Select(_ => new List<int[]>()).ToArray();
            var g = 0;
            for (var t = 0; t < o.Topics; t++)
            {
                for (var j = 0; j < perTopic[t]; j++, g++)
                {
                    plans[g % processes].Add([t, (j + t) % n]); // each topic's watchers spread over every instance
                }
            }
            m["topics"] = o.Topics;
            m["hotTopicWatchers"] = perTopic[0];
            m["largestOtherTopicWatchers"] = o.Topics > 1 ? perTopic[1] : 0;
            m["smallestTopicWatchers"] = perTopic.Min();
            m["processes"] = processes;

            // --- Warm-up on every instance (JIT, pools, Redis subscriptions), then the empty instances' memory.
            await Live.RunAsync("warming up every instance", async () => { await WarmUpAsync(apis, urls, topics[0], moderator, writers[0], ct); return 0; }, () => "");
            await Task.Delay(3000, ct);
            var rssBefore = pids.Select(p => ProcStats.RssKb(p)).ToArray();

            // --- Workers.
            var dir = Path.Combine(o.WorkDir, "cluster-scale-" + DateTime.UtcNow.ToString("HHmmssfff", Inv));
            Directory.CreateDirectory(dir);
            for (var k = 0; k < processes; k++)
            {
                var path = Path.Combine(dir, $"plan-{k}.json");
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(
                    new ClusterScaleWorker.Plan(urls, topics, [.. plans[k]], o.OpenParallel, o.ResumeTimeoutSeconds + 30), ScenarioResult.Json), ct);
                workers.Add(new WorkerProcess($"w{k}", path));
            }
            async Task<List<JsonNode>> All(string cmd, Func<int, JsonObject?>? args = null, TimeSpan? timeout = null) =>
                [.. await Task.WhenAll(workers.Select((w, k) => w.CallAsync(cmd, args?.Invoke(k), timeout)))];
            async Task<Agg> StatusAsync()
            {
                // Generous: a worker flooded with deliveries answers late, and that is no reason to stop.
                var all = await All("status", timeout: TimeSpan.FromSeconds(180));
                var connected = new int[n];
                foreach (var s in all)
                {
                    var c = s["connected"]!.AsArray();
                    for (var i = 0; i < n; i++)
                    {
                        connected[i] += c[i]!.GetValue<int>();
                    }
                }
                long Sum(string key) => all.Sum(s => s[key]!.GetValue<long>());
                return new Agg(connected, (int)Sum("reconnecting"), (int)Sum("disconnected"), Sum("posted"), Sum("reactions"), Sum("removals"),
                    Sum("presence"), (int)Sum("victims"), (int)Sum("victimsResumed"),
                    all.Select(s => s["lastResume"]?.GetValue<DateTime>()).Where(d => d is not null).Max());
            }

            // Every 2 s: watchers and RSS per instance, deliveries/s, for the plot.
            Agg? lastAgg = null;
            var lastAggAt = 0.0;
            sampling = Task.Run(async () =>
            {
                while (!stopSampling.IsCancellationRequested)
                {
                    try
                    {
                        var t = Now();
                        var s = await StatusAsync();
                        for (var i = 0; i < n; i++)
                        {
                            Add(result, $"watchers@{L(i)}", t, s.Connected[i]);
                            Add(result, $"rssMb@{L(i)}", t, Math.Round(ProcStats.RssKb(pids[i]) / 1024.0, 1));
                        }
                        if (lastAgg is not null && t > lastAggAt)
                        {
                            Add(result, "deliveriesPerSecond", t, Math.Round((s.Deliveries - lastAgg.Deliveries) / (t - lastAggAt)));
                            Add(result, "presencePerSecond", t, Math.Round((s.Presence - lastAgg.Presence) / (t - lastAggAt)));
                        }
                        lastAgg = s;
                        lastAggAt = t;
                        await Task.Delay(2000, stopSampling.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    catch (InvalidOperationException ex)
                    {
                        Console.Error.WriteLine("sampler: " + ex.Message);
                    }
                }
            }, CancellationToken.None);

            // --- 1. Connect.
            var phaseStart = Now();
            var connectStarted = Stopwatch.GetTimestamp();
            var opened = await Live.RunAsync($"opening {o.Watchers} watchers from {processes} processes over {n} instances",
                () => All("open", timeout: TimeSpan.FromMinutes(20)),
                () => lastAgg is null ? "" : $"{lastAgg.Connected.Sum()} connected ({string.Join(" / ", lastAgg.Connected)})");
            var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
            var connectErrors = opened.Sum(x => x["errors"]!.GetValue<int>());
            m["watchersTarget"] = o.Watchers;
            m["connectErrors"] = connectErrors;
            m["connectSeconds"] = Math.Round(connectSeconds, 1);
            m["connectsPerSecond"] = Math.Round(opened.Sum(x => x["opened"]!.GetValue<int>()) / connectSeconds, 1);
            if (connectErrors > 0)
            {
                result.Failures.Add($"{connectErrors} of {o.Watchers} watchers could not connect (first: {opened.Select(x => x["firstError"]?.GetValue<string>()).FirstOrDefault(e => e is not null)})");
            }
            await Task.Delay(5000, ct); // hold, then measure
            var held = await StatusAsync();
            m["watchersHeld"] = held.Connected.Sum();
            for (var i = 0; i < n; i++)
            {
                var rss = ProcStats.RssKb(pids[i]);
                m[$"watchers@{L(i)}"] = held.Connected[i];
                m[$"rssBeforeMb@{L(i)}"] = Math.Round(rssBefore[i] / 1024.0, 1);
                m[$"rssAfterMb@{L(i)}"] = Math.Round(rss / 1024.0, 1);
                m[$"kbPerConnection@{L(i)}"] = held.Connected[i] > 0 && pids[i] is not null ? Math.Round((rss - rssBefore[i]) / (double)held.Connected[i], 1) : double.NaN;
                m[$"openFiles@{L(i)}"] = OpenFiles(pids[i]);
            }
            m["kbPerConnectionMax"] = Enumerable.Range(0, n).Max(i => m[$"kbPerConnection@{L(i)}"]);
            if (m["watchersHeld"] < o.Watchers - connectErrors)
            {
                result.Failures.Add($"{o.Watchers - connectErrors - m["watchersHeld"]} opened watchers were no longer connected after 5 s");
            }
            await RedisCensusAsync(probes, topics, n, m, result);
            Phase(result, "connect", phaseStart, Now());

            // --- 2. Steady posting (which then goes on through every later phase).
            var postedIds = Enumerable.Range(0, o.Topics).Select(_ => new ConcurrentQueue<string>()).ToArray();
            long posts = 0, postRefused = 0, postFailed = 0;
            var body = new string('x', Math.Max(0, o.BodyChars - 24));
            await All("phase", _ => new JsonObject { ["name"] = "steady" });
            phaseStart = Now();
            var a = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
            posting = Task.Run(async () =>
            {
                using var gate = new SemaphoreSlim(64);
                var start = Stopwatch.GetTimestamp();
                for (long k = 0; !stopPosting.IsCancellationRequested; k++)
                {
                    var wait = TimeSpan.FromSeconds(k / o.Rate) - Stopwatch.GetElapsedTime(start);
                    try
                    {
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, stopPosting.Token);
                        }
                        await gate.WaitAsync(stopPosting.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    var index = k;
                    var topic = (int)(index % o.Topics);
                    var api = apis[LiveAt(index)];
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            var reply = await api.PostReplyAsync(writers[index % writers.Length].Token, topics[topic], $"reply {index} {body}", ct);
                            if (reply is null)
                            {
                                Interlocked.Increment(ref postRefused);
                            }
                            else
                            {
                                postedIds[topic].Enqueue(reply.Id);
                                Interlocked.Increment(ref posts);
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                        {
                            Interlocked.Increment(ref postFailed); // an instance died under the request
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }, CancellationToken.None);
                }
                for (var i = 0; i < 64; i++)
                {
                    await gate.WaitAsync(TimeSpan.FromSeconds(60));
                }
            }, CancellationToken.None);
            await Live.RunAsync($"steady posting at {o.Rate}/s for {o.SteadySeconds} s", async () => { await Task.Delay(TimeSpan.FromSeconds(o.SteadySeconds), ct); return 0; },
                () => $"{Interlocked.Read(ref posts)} posted");
            var b = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
            PhaseMetrics(result, "steady", a, b, n, L, events: null);
            m["steady.postsPerSecond"] = Math.Round((b.Seqs - a.Seqs) / (b.T - a.T), 1);
            Phase(result, "steady", phaseStart, Now());

            // --- 3. Reaction storm on one reply of the hot topic, through every instance.
            await All("phase", _ => new JsonObject { ["name"] = "reactions" });
            phaseStart = Now();
            var target = await apis[0].PostReplyAsync(moderator.Token, topics[0], "React to me", ct)
                ?? throw new InvalidOperationException("could not post the reply to react to");
            postedIds[0].Enqueue(target.Id);
            await WaitAllAsync(() => All("has", _ => new JsonObject { ["topic"] = 0, ["ids"] = new JsonArray(target.Id) }), TimeSpan.FromSeconds(30));
            a = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
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
            b = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
            var expectedLikes = on.Count(x => x);
            // Every hot-topic watcher with the final count also means the storm's backlog has drained before the removals.
            var likesExact = await WaitAllAsync(() => All("likes", _ => new JsonObject { ["topic"] = 0, ["expected"] = expectedLikes }), TimeSpan.FromSeconds(90), "exact");
            m["reactions.drainSeconds"] = Math.Round(Now() - b.T, 1);
            Log($"{likesExact.Complete} of {likesExact.Watchers} hot-topic watchers have the final count after {m["reactions.drainSeconds"]} s");
            PhaseMetrics(result, "reactions", a, b, n, L, events: null);
            m["reactions.sent"] = reactionsSent;
            m["reactions.errors"] = reactionErrors;
            m["reactions.perSecond"] = Math.Round(reactionsSent / stormSeconds, 1);
            m["reactions.eventsPerHotWatcherPerSecond"] = Math.Round((b.Status.Reactions - a.Status.Reactions) / (double)Math.Max(1, likesExact.Watchers) / (b.T - a.T), 2);
            m["reactions.hotWatchersWithExactCount"] = likesExact.Complete;

            if (reactionErrors > 0)
            {
                result.Failures.Add($"{reactionErrors} reaction requests failed");
            }
            if (likesExact.Complete < likesExact.Watchers)
            {
                result.Failures.Add($"{likesExact.Watchers - likesExact.Complete} of {likesExact.Watchers} hot-topic watchers ended with a wrong like count");
            }
            Phase(result, "reactions", phaseStart, Now());

            // --- 4. Removal storm on the hot topic: replies posted, seen by every watcher, then removed quickly.
            await All("phase", _ => new JsonObject { ["name"] = "removal" });
            phaseStart = Now();
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
            a = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
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
            b = await SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);
            PhaseMetrics(result, "removal", a, b, n, L, events: null);
            var sent = new JsonObject();
            foreach (var (id, t0) in sentAt)
            {
                sent[id] = t0;
            }
            var recorded = await All("removals", _ => new JsonObject { ["sent"] = sent.DeepClone() });
            m["removal.removals"] = o.Removals - removeErrors;
            m["removal.errors"] = removeErrors;
            m["removal.hotWatchers"] = removed.Watchers;
            m["removal.hotWatchersWithEveryRemoval"] = removed.Complete;
            m["removal.deliveries"] = recorded.Sum(r => r["recorded"]!.GetValue<int>());
            m["removal.deliveriesMissing"] = (long)removed.Watchers * (o.Removals - removeErrors) - m["removal.deliveries"];
            m["removal.unexpected"] = recorded.Sum(r => r["unexpected"]!.GetValue<int>());
            if (removeErrors > 0)
            {
                result.Failures.Add($"{removeErrors} of {o.Removals} removals were not answered 204");
            }
            if (removed.Complete < removed.Watchers)
            {
                result.Failures.Add($"{removed.Watchers - removed.Complete} of {removed.Watchers} hot-topic watchers did not get every removal within 30 s");
            }
            Phase(result, "removal", phaseStart, Now());

            // --- 5. Kill one instance while posting goes on.
            if (o.Kill)
            {
                await KillPhaseAsync(o, result, workers, All, StatusAsync, pids, live, n, L, Now, apis, topics, probes, ct);
            }

            // --- 6. Stop posting, then check every watcher against the topics' final seqs.
            await stopPosting.CancelAsync();
            await posting;
            m["postsAccepted"] = Interlocked.Read(ref posts);
            m["postsRefused"] = Interlocked.Read(ref postRefused);
            m["postsFailedByKill"] = Interlocked.Read(ref postFailed);
            if (postRefused > 0)
            {
                result.Notes.Add($"{postRefused} posts were refused (not 201); the check only expects accepted ones");
            }
            Log("posting stopped; checking every watcher");
            var lastSeqs = await LastSeqsAsync(apis[live[0]], topics, ct);
            var replies = new JsonArray([.. postedIds.Select(q => (JsonNode)new JsonArray([.. q.Select(id => (JsonNode)id)]))]);
            var lastSeqArray = new JsonArray([.. lastSeqs.Select(s => (JsonNode)s)]);
            JsonObject check = [];
            long gapsFilled = 0;
            var drainUntil = Stopwatch.GetTimestamp();
            while (true)
            {
                // Like the SDK, a watcher asks for a gap only once it has lasted a while (late live events fill most).
                var fillGaps = Stopwatch.GetElapsedTime(drainUntil).TotalSeconds > 5;
                var checks = await All("check", _ => new JsonObject
                {
                    ["lastSeq"] = lastSeqArray.DeepClone(), ["replies"] = replies.DeepClone(), ["fillGaps"] = fillGaps,
                }, TimeSpan.FromMinutes(2));
                check = [];
                foreach (var key in new[] { "watchers", "incomplete", "notConnected", "missingSeqs", "missingReplies", "redeliveries", "repeatedReplies", "gaps", "resets", "gapsFilled" })
                {
                    check[key] = checks.Sum(c => c[key]!.GetValue<long>());
                }
                gapsFilled += check["gapsFilled"]!.GetValue<long>();
                if ((check["incomplete"]!.GetValue<long>() == 0 && check["notConnected"]!.GetValue<long>() == 0)
                    || Stopwatch.GetElapsedTime(drainUntil).TotalSeconds > o.DrainSeconds)
                {
                    break;
                }
                await Task.Delay(2000, ct);
            }
            m["final.watchersChecked"] = check["watchers"]!.GetValue<long>();
            m["final.watchersIncomplete"] = check["incomplete"]!.GetValue<long>();
            m["final.watchersNotConnected"] = check["notConnected"]!.GetValue<long>();
            m["final.eventsMissed"] = check["missingSeqs"]!.GetValue<long>();
            m["final.repliesMissed"] = check["missingReplies"]!.GetValue<long>();
            m["final.eventsDuplicated"] = check["repeatedReplies"]!.GetValue<long>();
            m["final.redeliveriesDropped"] = check["redeliveries"]!.GetValue<long>();
            m["final.outOfOrderArrivals"] = check["gaps"]!.GetValue<long>();
            // Events nobody got live (an instance died between commit and publish) that a watcher recovered by
            // asking for the gap, as the SDK does.
            m["final.eventsRecoveredByGapFill"] = gapsFilled;
            m["final.resets"] = check["resets"]!.GetValue<long>();
            m["final.topicEvents"] = lastSeqs.Sum();
            if (m["final.eventsMissed"] > 0 || m["final.repliesMissed"] > 0)
            {
                result.Failures.Add($"{m["final.eventsMissed"]} events ({m["final.repliesMissed"]} replies) never reached {m["final.watchersIncomplete"]} watchers after a {o.DrainSeconds} s drain");
            }
            if (m["final.eventsDuplicated"] > 0)
            {
                result.Failures.Add($"{m["final.eventsDuplicated"]} replies were applied twice under different seqs");
            }
            if (m["final.watchersNotConnected"] > 0)
            {
                result.Failures.Add($"{m["final.watchersNotConnected"]} watchers were not connected at the end");
            }
            if (m["final.resets"] > 0)
            {
                result.Failures.Add($"{m["final.resets"]} resumes answered reset instead of the missed events");
            }

            Log("checked");
            // --- Latency, merged over the workers.
            await ReportAsync(All, result, n, L);
            m["machine.loadAverageAtEnd"] = LoadAverage();
            Targets(result, o);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // --timeout or a signal: the partial result is still saved, marked as such.
            result.Failures.Add($"stopped at {clock.Elapsed.TotalSeconds:0} s (--timeout or a signal) before the run finished");
            Log("stopped");
            try
            {
                await ReportAsync(async (cmd, args, timeout) => [.. await Task.WhenAll(workers.Select((w, k) => w.CallAsync(cmd, args?.Invoke(k), TimeSpan.FromSeconds(20))))],
                    result, n, L);
            }
            catch (Exception again) when (again is InvalidOperationException or TimeoutException)
            {
                Log("no report from the workers: " + again.Message);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or InvalidOperationException or TimeoutException or IOException or TaskCanceledException)
        {
            // Keep what was measured so far: the result file says where and why the run stopped.
            result.Failures.Add($"aborted at {clock.Elapsed.TotalSeconds:0} s: {ex.GetType().Name}: {ex.Message}");
            Log("aborted: " + ex);
            try
            {
                await ReportAsync(async (cmd, args, timeout) => [.. await Task.WhenAll(workers.Select((w, k) => w.CallAsync(cmd, args?.Invoke(k), timeout)))],
                    result, n, L);
            }
            catch (Exception again) when (again is InvalidOperationException or TimeoutException)
            {
                Log("no report from the workers either: " + again.Message);
            }
        }
        finally
        {
            await stopPosting.CancelAsync();
            await stopSampling.CancelAsync();
            await Task.WhenAny(Task.WhenAll(posting, sampling), Task.Delay(TimeSpan.FromSeconds(60), CancellationToken.None));
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
            foreach (var api in apis)
            {
                api.Dispose();
            }
        }
        return result;
    }

    /// <summary>Latency histograms and reconnect reasons from every worker, merged into the result.</summary>
    private static async Task ReportAsync(Func<string, Func<int, JsonObject?>?, TimeSpan?, Task<List<JsonNode>>> all, RunResult result, int n, Func<int, string> label)
    {
        var reports = await all("report", null, TimeSpan.FromMinutes(2));
        MergeLatencies(reports, result, n, label);
        result.Metrics["clientRssMb"] = Math.Round(reports.Sum(r => r["rssMb"]!.GetValue<double>()) + Environment.WorkingSet / 1048576.0);
        var reasons = reports.SelectMany(r => r["retryReasons"]!.AsObject().Select(kv => (kv.Key, N: kv.Value!.GetValue<int>())))
            .GroupBy(x => x.Key).Select(x => (Reason: x.Key, N: x.Sum(y => y.N))).OrderByDescending(x => x.N).Take(6).ToList();
        if (reasons.Count > 0)
        {
            result.Notes.Add("reconnects (why the connection was lost / why an attempt failed, count): " + string.Join("; ", reasons.Select(x => $"{x.Reason} ×{x.N}")));
        }
    }

    private static async Task KillPhaseAsync(Options o, RunResult result, List<WorkerProcess> workers,
        Func<string, Func<int, JsonObject?>?, TimeSpan?, Task<List<JsonNode>>> all, Func<Task<Agg>> status,
        int?[] pids, List<int> live, int n, Func<int, string> label, Func<double> now, Api[] apis, string[] topics, ClusterProbes probes, CancellationToken ct)
    {
        var m = result.Metrics;
        var victim = o.KillInstance < 0 ? n - 1 : Math.Min(o.KillInstance, n - 1);
        if (pids[victim] is not { } victimPid)
        {
            result.Failures.Add($"no pid for the instance on port {label(victim)}: cannot kill it");
            return;
        }
        // The survivors take the victim's watchers on top of their own: shed some first so that each stays under
        // MaxPerInstance afterwards (the per-process open-file limit applies to the instances too).
        var phaseStart = now();
        var before = await status();
        var victims = before.Connected[victim];
        var add = (int)Math.Ceiling(victims / (double)(n - 1));
        var keep = Enumerable.Range(0, n).Select(i => i == victim || before.Connected[i] + add <= o.MaxPerInstance ? -1 : Math.Max(0, o.MaxPerInstance - add)).ToArray();
        if (keep.Any(k => k >= 0))
        {
            var per = (await all("status", null, null)).Select(s => s["connected"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray()).ToList();
            var shares = new int[workers.Count][];
            for (var w = 0; w < workers.Count; w++)
            {
                shares[w] = new int[n];
            }
            for (var i = 0; i < n; i++)
            {
                var onI = per.Sum(p => p[i]);
                for (var w = 0; w < workers.Count; w++)
                {
                    shares[w][i] = keep[i] < 0 ? -1 : onI == 0 ? 0 : (int)((long)keep[i] * per[w][i] / onI);
                }
                for (var w = 0; keep[i] >= 0 && shares.Sum(s => s[i]) < keep[i] && shares.Sum(s => s[i]) < onI; w = (w + 1) % workers.Count)
                {
                    if (shares[w][i] < per[w][i])
                    {
                        shares[w][i]++;
                    }
                }
            }
            await Live.RunAsync("shedding watchers on the survivors", () => all("trim", w => new JsonObject { ["keep"] = new JsonArray([.. shares[w].Select(x => (JsonNode)x)]) }, TimeSpan.FromMinutes(5)), () => "");
            result.Notes.Add($"before the kill the survivors shed watchers down to {Math.Max(0, o.MaxPerInstance - add)} each, so that with the victim's {victims} they stay at or under {o.MaxPerInstance} (open-file limit per process)");
            await Task.Delay(5000, ct); // let the survivors finish closing them (presence, unsubscribes) before the kill
        }
        var atKill = await status();
        for (var i = 0; i < n; i++)
        {
            m[$"kill.watchersBefore@{label(i)}"] = atKill.Connected[i];
        }
        m["kill.watchersAtKill"] = atKill.Connected.Sum();
        m["kill.instance"] = double.Parse(label(victim), Inv);
        var marked = await all("mark", _ => new JsonObject { ["instance"] = victim }, null);
        var victimCount = marked.Sum(x => x["victims"]!.GetValue<int>());
        m["kill.victims"] = victimCount;
        var a = await SnapAsync(apis, live, topics, pids, probes, status, now, ClientPids(workers), ct);
        Log($"killing {label(victim)}: {victimCount} victims, {atKill.Connected.Sum()} connected");

        var killedAt = DateTime.UtcNow;
        using (var process = Process.GetProcessById(victimPid))
        {
            process.Kill(); // SIGKILL: no close frames, as a crash
        }
        lock (live)
        {
            live.Remove(victim);
        }
        // The kernel closes a dying process's sockets after unmapping its memory: how long until it was a zombie or gone.
        for (var i = 0; i < 3000 && File.Exists($"/proc/{victimPid}/stat") && !IsZombie(victimPid); i++)
        {
            await Task.Delay(10, ct);
        }
        m["kill.processGoneSeconds"] = Math.Round((DateTime.UtcNow - killedAt).TotalSeconds, 3);
        await all("killed", _ => new JsonObject { ["at"] = killedAt }, null);
        Live.Say($"killed the instance on port {label(victim)} (pid {victimPid}) holding {victimCount} watchers");
        Agg? progress = null;
        var resumed = await Live.RunAsync("waiting until every watcher of the killed instance has resumed elsewhere", async () =>
        {
            while (DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(o.ResumeTimeoutSeconds))
            {
                progress = await status();
                if (progress.VictimsResumed >= progress.Victims)
                {
                    return true;
                }
                await Task.Delay(500, ct);
            }
            return false;
        }, () => progress is null ? "" : $"{progress.VictimsResumed} of {progress.Victims} resumed");
        var after = await status();
        Log($"{after.VictimsResumed} of {after.Victims} resumed elsewhere");
        m["kill.victimsResumed"] = after.VictimsResumed;
        m["kill.allResumedSeconds"] = after.LastResume is { } last && after.VictimsResumed > 0 ? Math.Round((last - killedAt).TotalSeconds, 2) : double.NaN;
        for (var i = 0; i < n; i++)
        {
            m[$"kill.watchersAfter@{label(i)}"] = after.Connected[i];
            m[$"kill.openFilesAfter@{label(i)}"] = i == victim ? 0 : OpenFiles(pids[i]);
        }
        if (!resumed)
        {
            result.Failures.Add($"{after.Victims - after.VictimsResumed} of {after.Victims} watchers of the killed instance had not resumed elsewhere after {o.ResumeTimeoutSeconds} s");
        }
        var rest = TimeSpan.FromSeconds(o.AfterKillSeconds) - (DateTime.UtcNow - killedAt);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, ct);
        }
        var b = await SnapAsync(apis, live, topics, pids, probes, status, now, ClientPids(workers), ct);
        PhaseMetrics(result, "kill", a, b, n, label, events: null);
        Phase(result, "kill", phaseStart, now());
    }

    /// <summary>Posts, removes and reacts once through each instance, with a few watchers on each, then closes them.</summary>
    private static async Task WarmUpAsync(Api[] apis, string[] urls, string topic, TokenDto moderator, TokenDto writer, CancellationToken ct)
    {
        var (watchers, _) = await Runner.OpenWatchersAsync(urls.Length * 10, i => Watcher.Create(urls[i % urls.Length], topic, null), 10, ct);
        foreach (var api in apis)
        {
            var reply = await api.PostReplyAsync(writer.Token, topic, "warm-up", ct);
            if (reply is not null)
            {
                await api.ReactAsync(writer.Token, reply.Id, "like", true, ct);
                await Task.Delay(300, ct);
                await api.RemoveReplyAsync(moderator.Token, reply.Id, "warm-up", ct);
            }
        }
        await Runner.WaitUntilAsync(() => watchers.All(w => w.RemovalsReceived >= apis.Length), TimeSpan.FromSeconds(10), ct);
        await Runner.CloseAsync(watchers);
    }

    /// <summary>Redis pub/sub channels after every watcher joined: totals, the topics' group channels and their subscribers.</summary>
    private static async Task RedisCensusAsync(ClusterProbes probes, string[] topics, int n, Dictionary<string, double> m, RunResult result)
    {
        var info = await probes.RedisInfoAsync("stats", "clients", "memory");
        if (info.Count == 0)
        {
            result.Notes.Add("redis-cli gave nothing: no Redis figures");
            return;
        }
        m["redis.channels"] = info.GetValueOrDefault("pubsub_channels");
        m["redis.clients"] = info.GetValueOrDefault("connected_clients");
        m["redis.usedMemoryMb"] = Math.Round(info.GetValueOrDefault("used_memory") / 1048576.0, 1);
        var ours = new HashSet<string>(topics, StringComparer.Ordinal);
        var groups = (await probes.RedisChannelsAsync("*:group:topic:*")).Where(c => ours.Contains(c[(c.LastIndexOf(':') + 1)..])).ToList();
        var numsub = await probes.RedisNumSubAsync(groups);
        m["redis.topicGroupChannels"] = groups.Count;
        m["redis.topicGroupSubscriptions"] = numsub.Values.Sum();
        m["redis.subscribersPerTopicChannel"] = groups.Count > 0 ? Math.Round(numsub.Values.Sum() / (double)groups.Count, 2) : 0;
        m["redis.connectionChannels"] = (await probes.RedisChannelsAsync("*:connection:*")).Count;
        m["redis.otherChannels"] = m["redis.channels"] - m["redis.connectionChannels"] - (await probes.RedisChannelsAsync("*:group:*")).Count;
        var presenceKeys = topics.Length; // one hash per watched topic (RedisPresence)
        m["redis.presenceKeys"] = presenceKeys;
        result.Notes.Add($"Redis channels: one per connection ({m["redis.connectionChannels"]}), one per topic group ({groups.Count} for {topics.Length} topics), subscribed once by each instance with watchers of that topic ({m["redis.subscribersPerTopicChannel"]} subscribers per group channel on average, {n} instances)");
    }

    private static int?[] ClientPids(List<WorkerProcess> workers) => [.. workers.Select(w => (int?)w.Pid), Environment.ProcessId];

    /// <summary>Seconds the machine's CPUs were busy since boot (/proc/stat: everything but idle and iowait).</summary>
    private static double MachineBusySeconds()
    {
        var cpu = File.Exists("/proc/stat") ? File.ReadLines("/proc/stat").FirstOrDefault() : null;
        if (cpu is null)
        {
            return 0;
        }
        var f = cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => double.Parse(x, Inv)).ToArray();
        return (f.Sum() - f[3] - f[4]) / 100.0;
    }

    private static async Task<Snap> SnapAsync(Api[] apis, List<int> live, string[] topics, int?[] pids, ClusterProbes probes,
        Func<Task<Agg>> status, Func<double> now, int?[] clientPids, CancellationToken ct)
    {
        int first;
        lock (live)
        {
            first = live[0];
        }
        // PostgreSQL first, then the topics' seqs over REST: a phase's commits then include the reads of its first
        // snapshot (one per topic, subtracted in PhaseMetrics) and none of its last.
        var pg = await probes.PgStatsAsync();
        var redis = probes.RedisInfoAsync("stats", "cpu", "commandstats");
        var agg = status();
        var t = now();
        var cpu = pids.Select(p => ProcStats.CpuSeconds(p)).ToArray();
        var machine = MachineBusySeconds();
        var client = clientPids.Sum(p => ProcStats.CpuSeconds(p));
        var seqs = await LastSeqsAsync(apis[first], topics, ct);
        return new Snap(t, cpu, await redis, pg, seqs.Sum(), await agg, topics.Length, machine, client);
    }

    private static async Task<long[]> LastSeqsAsync(Api api, string[] topics, CancellationToken ct)
    {
        var seqs = new long[topics.Length];
        await Parallel.ForAsync(0, topics.Length, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (t, c) =>
            seqs[t] = (await api.GetAsync($"/api/topics/{topics[t]}", c))?["lastSeq"]?.GetValue<long>() ?? 0);
        return seqs;
    }

    /// <summary>Rates of one phase: deliveries, events, CPU per instance, Redis and PostgreSQL.</summary>
    private static void PhaseMetrics(RunResult result, string name, Snap a, Snap b, int n, Func<int, string> label, long? events)
    {
        var m = result.Metrics;
        var dt = Math.Max(0.001, b.T - a.T);
        var ev = events ?? b.Seqs - a.Seqs;
        m[$"{name}.seconds"] = Math.Round(dt, 1);
        m[$"{name}.events"] = ev;
        m[$"{name}.deliveriesPerSecond"] = Math.Round((b.Status.Deliveries - a.Status.Deliveries) / dt, 1);
        m[$"{name}.presencePerSecond"] = Math.Round((b.Status.Presence - a.Status.Presence) / dt, 1);
        m[$"{name}.machineCpuCores"] = Math.Round((b.MachineBusy - a.MachineBusy) / dt, 2);
        m[$"{name}.loadGeneratorCpuCores"] = Math.Round((b.ClientCpu - a.ClientCpu) / dt, 2);
        for (var i = 0; i < n; i++)
        {
            if (b.Cpu[i] > 0)
            {
                m[$"{name}.cpuCores@{label(i)}"] = Math.Round((b.Cpu[i] - a.Cpu[i]) / dt, 2);
            }
        }
        double R(string key) => b.Redis.GetValueOrDefault(key) - a.Redis.GetValueOrDefault(key);
        if (b.Redis.Count > 0)
        {
            m[$"{name}.redisCpuCores"] = Math.Round((R("used_cpu_sys") + R("used_cpu_user")) / dt, 3);
            m[$"{name}.redisOpsPerSecond"] = Math.Round(R("total_commands_processed") / dt, 1);
            m[$"{name}.redisPublishesPerSecond"] = Math.Round(R("cmdstat_publish") / dt, 1);
            m[$"{name}.redisScriptsPerSecond"] = Math.Round((R("cmdstat_eval") + R("cmdstat_evalsha")) / dt, 1);
            m[$"{name}.redisNetOutMbPerSecond"] = Math.Round(R("total_net_output_bytes") / dt / 1048576.0, 2);
            if (ev > 0)
            {
                m[$"{name}.redisPublishesPerEvent"] = Math.Round(R("cmdstat_publish") / ev, 2);
            }
        }
        double P(string key) => b.Pg.GetValueOrDefault(key) - a.Pg.GetValueOrDefault(key) - (key == "xact_commit" ? a.Reads : 0);
        if (b.Pg.Count > 0)
        {
            // Commits count read-only statements too (each is its own transaction); rows written are inserts, updates, deletes.
            m[$"{name}.pgCommits"] = P("xact_commit");
            m[$"{name}.pgCommitsPerSecond"] = Math.Round(P("xact_commit") / dt, 1);
            m[$"{name}.pgRowsWritten"] = P("tup_inserted") + P("tup_updated") + P("tup_deleted");
            m[$"{name}.pgRowsWrittenPerSecond"] = Math.Round((P("tup_inserted") + P("tup_updated") + P("tup_deleted")) / dt, 1);
            if (ev > 0)
            {
                m[$"{name}.pgCommitsPerEvent"] = Math.Round(P("xact_commit") / ev, 2);
                m[$"{name}.pgRowsWrittenPerEvent"] = Math.Round((P("tup_inserted") + P("tup_updated") + P("tup_deleted")) / ev, 2);
            }
        }
    }

    private static void MergeLatencies(List<JsonNode> reports, RunResult result, int n, Func<int, string> label)
    {
        var m = result.Metrics;
        var merged = new Dictionary<string, Latency>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            foreach (var (key, counts) in report["histograms"]!.AsObject())
            {
                if (!merged.TryGetValue(key, out var latency))
                {
                    merged[key] = latency = new Latency();
                }
                latency.Import(counts.Deserialize<List<long[]>>()!);
            }
        }
        // keys: phase|kind|instance
        foreach (var (phase, kind, prefix) in new[] { ("steady", "post", "steady.postLatency"), ("reactions", "post", "reactions.postLatency"),
            ("removal", "removal", "removal.latency"), ("kill", "post", "kill.postLatency") })
        {
            var overall = new Latency();
            for (var i = 0; i < n; i++)
            {
                if (merged.TryGetValue($"{phase}|{kind}|{i}", out var latency) && latency.Count > 0)
                {
                    overall.Import(latency.Export());
                    m[$"{prefix}P50Ms@{label(i)}"] = Math.Round(latency.PercentileMs(50), 2);
                    m[$"{prefix}P99Ms@{label(i)}"] = Math.Round(latency.PercentileMs(99), 2);
                    m[$"{prefix}Count@{label(i)}"] = latency.Count;
                }
            }
            if (overall.Count > 0)
            {
                m[$"{prefix}P50Ms"] = Math.Round(overall.PercentileMs(50), 2);
                m[$"{prefix}P90Ms"] = Math.Round(overall.PercentileMs(90), 2);
                m[$"{prefix}P99Ms"] = Math.Round(overall.PercentileMs(99), 2);
                m[$"{prefix}MaxMs"] = Math.Round(overall.PercentileMs(100), 2);
            }
        }
        // Steady deliveries per instance (ReplyPosted, the only event of that phase) and per core.
        for (var i = 0; i < n; i++)
        {
            if (m.TryGetValue($"steady.postLatencyCount@{label(i)}", out var count) && m.TryGetValue("steady.seconds", out var seconds))
            {
                var perSecond = count / seconds;
                m[$"steady.deliveriesPerSecond@{label(i)}"] = Math.Round(perSecond, 1);
                if (m.TryGetValue($"steady.cpuCores@{label(i)}", out var cores) && cores > 0)
                {
                    m[$"steady.deliveriesPerCore@{label(i)}"] = Math.Round(perSecond / cores);
                }
            }
        }
        // The victims' way back: connection lost, socket to a survivor open, Watch answered (seconds after the kill).
        foreach (var (key, name) in new[] { ("lost", "Lost"), ("socket", "Socket"), ("resume", "Resumed") })
        {
            var stage = new Latency();
            foreach (var report in reports)
            {
                stage.Import(report[key].Deserialize<List<long[]>>()!);
            }
            if (stage.Count > 0)
            {
                m[$"kill.{name.ToLowerInvariant()}P50Seconds"] = Math.Round(stage.PercentileMs(50) / 1000, 2);
                m[$"kill.{name.ToLowerInvariant()}P99Seconds"] = Math.Round(stage.PercentileMs(99) / 1000, 2);
                m[$"kill.{name.ToLowerInvariant()}MaxSeconds"] = Math.Round(stage.PercentileMs(100) / 1000, 2);
            }
        }
    }

    /// <summary>The issue's targets, as 1 (met) or 0 in the result; the report shows them. Not failures: timing is the machine's.</summary>
    private static void Targets(RunResult result, Options o)
    {
        var m = result.Metrics;
        m["target.watchersHeld"] = m.GetValueOrDefault("watchersHeld") >= 50_000 && m.GetValueOrDefault("connectErrors") == 0
            && m.GetValueOrDefault("kbPerConnectionMax", double.NaN) <= 40 ? 1 : 0;
        m["target.removalP99"] = m.GetValueOrDefault("removal.latencyP99Ms", double.NaN) <= 250 && m.GetValueOrDefault("removal.hotWatchersWithEveryRemoval") == m.GetValueOrDefault("removal.hotWatchers") ? 1 : 0;
        if (o.Kill)
        {
            m["target.resume"] = m.GetValueOrDefault("kill.victimsResumed") == m.GetValueOrDefault("kill.victims") && m.GetValueOrDefault("kill.victims") > 0
                && m.GetValueOrDefault("kill.allResumedSeconds", double.NaN) <= 30
                && m.GetValueOrDefault("final.eventsMissed") == 0 && m.GetValueOrDefault("final.repliesMissed") == 0 && m.GetValueOrDefault("final.eventsDuplicated") == 0 ? 1 : 0;
        }
    }

    private static async Task<(int Watchers, int Complete)> WaitAllAsync(Func<Task<List<JsonNode>>> query, TimeSpan timeout, string key = "complete")
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answers = await query();
            var watchers = answers.Sum(x => x["watchers"]!.GetValue<int>());
            var complete = answers.Sum(x => x[key]!.GetValue<int>());
            if (complete >= watchers || DateTime.UtcNow > deadline)
            {
                return (watchers, complete);
            }
            await Task.Delay(250);
        }
    }

    private static void Add(RunResult result, string series, double x, double y)
    {
        lock (result.Series)
        {
            if (!result.Series.TryGetValue(series, out var list))
            {
                result.Series[series] = list = [];
            }
            list.Add([x, y]);
        }
    }

    private static void Phase(RunResult result, string name, double start, double end)
    {
        Add(result, "phase:" + name, start, end);
        Log($"phase {name} done ({start:0}-{end:0} s)");
    }

    /// <summary>A line on stderr with the time, for following a long run in its log.</summary>
    private static void Log(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} cluster-scale: {line}");

    /// <summary>A request whose refusal or failure (an instance gone, a timeout) counts as false, not as an exception.</summary>
    private static async Task<bool> Try(Func<Task<bool>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>The 1-minute load average: other work on the machine shows here.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], Inv) : double.NaN;

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static int? ReadPid(string path) =>
        File.Exists(path) && int.TryParse(File.ReadLines(path).FirstOrDefault(), NumberStyles.Integer, Inv, out var pid) ? pid : null;

    private static double OpenFiles(int? pid)
    {
        try
        {
            return pid is null ? double.NaN : Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}
