using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

public static partial class ClusterScale
{
    /// <summary>
    /// One run of the scenario: what every phase shares (instances, workers, topics, the clock, the posting loop)
    /// and one method per phase, in the order <see cref="RunAsync"/> calls them.
    /// </summary>
    private sealed partial class Run(string[] urls, Options o, RunResult result, CancellationToken ct) : IAsyncDisposable
    {
        private readonly int n = urls.Length;
        private readonly int[] ports = [.. urls.Select(u => new Uri(u).Port)];
        private readonly int?[] pids = [.. urls.Select(u => ReadPid(Path.Combine(o.ClusterDir, $"app-{new Uri(u).Port}.pid")))];
        private readonly Api[] apis = [.. urls.Select(u => new Api(u))];
        private readonly ClusterProbes probes = new(o.RedisPort, o.PgPort);
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<int> live = [.. Enumerable.Range(0, urls.Length)];
        private readonly List<WorkerProcess> workers = [];
        private readonly CancellationTokenSource stopSampling = new();
        private readonly CancellationTokenSource stopPosting = new();
        private Task sampling = Task.CompletedTask, posting = Task.CompletedTask;
        private Dictionary<string, double> M => result.Metrics;

        // Set up by SetUpAsync.
        private TokenDto moderator = null!;
        private TokenDto[] writers = [];
        private TokenDto[] reactors = [];
        private string[] topics = [];
        private List<int[]>[] plans = [];
        private long[] rssBefore = [];

        // The posting loop's tallies, read at the end.
        private ConcurrentQueue<string>[] postedIds = [];
        private long posts, postRefused, postFailed;

        /// <summary>The sampler's latest status, for the progress lines.</summary>
        private Agg? lastAgg;

        public TimeSpan Elapsed => clock.Elapsed;

        private double Now() => Math.Round(clock.Elapsed.TotalSeconds, 2);

        private string L(int i) => ports[i].ToString(Inv);

        /// <summary>An instance still alive, chosen round-robin by <paramref name="k"/>.</summary>
        private int LiveAt(long k)
        {
            lock (live)
            {
                return live[(int)(k % live.Count)];
            }
        }

        private async Task<List<JsonNode>> All(string cmd, Func<int, JsonObject?>? args = null, TimeSpan? timeout = null) =>
            [.. await Task.WhenAll(workers.Select((w, k) => w.CallAsync(cmd, args?.Invoke(k), timeout)))];

        private async Task<Agg> StatusAsync()
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

        private Task<Snap> SnapAsync() => ClusterScale.SnapAsync(apis, live, topics, pids, probes, StatusAsync, Now, ClientPids(workers), ct);

        /// <summary>Users and topics (through every instance), watchers per topic and per instance, warm-up, idle memory.</summary>
        public async Task SetUpAsync()
        {
            if (pids.Any(p => p is null))
            {
                result.Notes.Add($"pid files missing under {o.ClusterDir}: no memory or CPU figures, and no kill");
            }
            M["machine.loadAverageAtStart"] = LoadAverage();
            moderator = await apis[0].TokenAsync("scale-moderator", "moderator", ct);
            writers = new TokenDto[o.Writers];
            reactors = new TokenDto[o.Reactors];
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
            topics = new string[o.Topics];
            await Parallel.ForAsync(0, o.Topics, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (t, c) =>
                topics[t] = await apis[t % n].CreateTopicAsync(moderator.Token, t == 0 ? "Scale test: the hot topic" : $"Scale test topic {t}", c));
            postedIds = [.. Enumerable.Range(0, o.Topics).Select(_ => new ConcurrentQueue<string>())];
            var perTopic = Popularity(o.Watchers, o.Topics, o.HotShare, o.Zipf);
            var processes = o.Processes > 0 ? o.Processes : Math.Max(1, (int)Math.Ceiling(o.Watchers / 12_500.0));
            plans = [.. Enumerable.Range(0, processes).Select(_ => new List<int[]>())];
            var g = 0;
            for (var t = 0; t < o.Topics; t++)
            {
                for (var j = 0; j < perTopic[t]; j++, g++)
                {
                    plans[g % processes].Add([t, (j + t) % n]); // each topic's watchers spread over every instance
                }
            }
            M["topics"] = o.Topics;
            M["hotTopicWatchers"] = perTopic[0];
            M["largestOtherTopicWatchers"] = o.Topics > 1 ? perTopic[1] : 0;
            M["smallestTopicWatchers"] = perTopic.Min();
            M["processes"] = processes;

            // Warm-up on every instance (JIT, pools, Redis subscriptions), then the empty instances' memory.
            await Live.RunAsync("warming up every instance", async () => { await WarmUpAsync(apis, urls, topics[0], moderator, writers[0], ct); return 0; }, () => "");
            await Task.Delay(3000, ct);
            rssBefore = [.. pids.Select(p => ProcStats.RssKb(p))];
        }

        /// <summary>The child processes that hold the watchers, one plan file each.</summary>
        public async Task StartWorkersAsync()
        {
            var dir = Path.Combine(o.WorkDir, "cluster-scale-" + DateTime.UtcNow.ToString("HHmmssfff", Inv));
            Directory.CreateDirectory(dir);
            for (var k = 0; k < plans.Length; k++)
            {
                var path = Path.Combine(dir, $"plan-{k}.json");
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(
                    new ClusterScaleWorker.Plan(urls, topics, [.. plans[k]], o.OpenParallel, o.ResumeTimeoutSeconds + 30), ScenarioResult.Json), ct);
                workers.Add(new WorkerProcess($"w{k}", path));
            }
        }

        /// <summary>Every 2 s until the end: watchers and RSS per instance, deliveries/s, for the plot.</summary>
        public void StartSampling()
        {
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
                        if (lastAgg is { } last && t > lastAggAt)
                        {
                            Add(result, "deliveriesPerSecond", t, Math.Round((s.Deliveries - last.Deliveries) / (t - lastAggAt)));
                            Add(result, "presencePerSecond", t, Math.Round((s.Presence - last.Presence) / (t - lastAggAt)));
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
        }

        /// <summary>Phase 1: every watcher opens and watches; memory per connection per instance, Redis channels.</summary>
        public async Task ConnectAsync()
        {
            var phaseStart = Now();
            var connectStarted = Stopwatch.GetTimestamp();
            var opened = await Live.RunAsync($"opening {o.Watchers} watchers from {workers.Count} processes over {n} instances",
                () => All("open", timeout: TimeSpan.FromMinutes(20)),
                () => lastAgg is null ? "" : $"{lastAgg.Connected.Sum()} connected ({string.Join(" / ", lastAgg.Connected)})");
            var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
            var connectErrors = opened.Sum(x => x["errors"]!.GetValue<int>());
            M["watchersTarget"] = o.Watchers;
            M["connectErrors"] = connectErrors;
            M["connectSeconds"] = Math.Round(connectSeconds, 1);
            M["connectsPerSecond"] = Math.Round(opened.Sum(x => x["opened"]!.GetValue<int>()) / connectSeconds, 1);
            if (connectErrors > 0)
            {
                result.Failures.Add($"{connectErrors} of {o.Watchers} watchers could not connect (first: {opened.Select(x => x["firstError"]?.GetValue<string>()).FirstOrDefault(e => e is not null)})");
            }
            await Task.Delay(5000, ct); // hold, then measure
            var held = await StatusAsync();
            M["watchersHeld"] = held.Connected.Sum();
            for (var i = 0; i < n; i++)
            {
                var rss = ProcStats.RssKb(pids[i]);
                M[$"watchers@{L(i)}"] = held.Connected[i];
                M[$"rssBeforeMb@{L(i)}"] = Math.Round(rssBefore[i] / 1024.0, 1);
                M[$"rssAfterMb@{L(i)}"] = Math.Round(rss / 1024.0, 1);
                M[$"kbPerConnection@{L(i)}"] = held.Connected[i] > 0 && pids[i] is not null ? Math.Round((rss - rssBefore[i]) / (double)held.Connected[i], 1) : double.NaN;
                M[$"openFiles@{L(i)}"] = OpenFiles(pids[i]);
            }
            M["kbPerConnectionMax"] = Enumerable.Range(0, n).Max(i => M[$"kbPerConnection@{L(i)}"]);
            if (M["watchersHeld"] < o.Watchers - connectErrors)
            {
                result.Failures.Add($"{o.Watchers - connectErrors - M["watchersHeld"]} opened watchers were no longer connected after 5 s");
            }
            await RedisCensusAsync(probes, topics, n, M, result);
            Phase(result, "connect", phaseStart, Now());
        }

        /// <summary>Phase 2: posting only (the posting goes on through every later phase until the check).</summary>
        public async Task SteadyAsync()
        {
            await All("phase", _ => new JsonObject { ["name"] = "steady" });
            var phaseStart = Now();
            var a = await SnapAsync();
            posting = Task.Run(PostAsync, CancellationToken.None);
            await Live.RunAsync($"steady posting at {o.Rate}/s for {o.SteadySeconds} s", async () => { await Task.Delay(TimeSpan.FromSeconds(o.SteadySeconds), ct); return 0; },
                () => $"{Interlocked.Read(ref posts)} posted");
            var b = await SnapAsync();
            PhaseMetrics(result, "steady", a, b, n, L, events: null);
            M["steady.postsPerSecond"] = Math.Round((b.Seqs - a.Seqs) / (b.T - a.T), 1);
            Phase(result, "steady", phaseStart, Now());
        }

        /// <summary>Replies at <see cref="Options.Rate"/> over every topic and live instance, until stopped; at most 64 in flight.</summary>
        private async Task PostAsync()
        {
            using var gate = new SemaphoreSlim(64);
            var body = new string('x', Math.Max(0, o.BodyChars - 24));
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
        }

        /// <summary>Phase 5 (optional): one instance killed while posting goes on.</summary>
        public Task KillAsync() =>
            KillPhaseAsync(o, result, workers, All, StatusAsync, pids, live, n, L, Now, apis, topics, probes, ct);

        /// <summary>Latency histograms and reconnect reasons; <paramref name="timeout"/> overrides the workers' usual wait.</summary>
        public Task ReportAsync(TimeSpan? timeout) =>
            ClusterScale.ReportAsync((cmd, args, t) => All(cmd, args, timeout ?? t), result, n, L);

        /// <summary>After a stop or an abort: keep what the workers measured, if they still answer.</summary>
        public async Task TryReportAsync(TimeSpan? timeout, string failure)
        {
            try
            {
                await ReportAsync(timeout);
            }
            catch (Exception again) when (again is InvalidOperationException or TimeoutException)
            {
                Log(failure + again.Message);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stopPosting.CancelAsync();
            await stopSampling.CancelAsync();
            await Task.WhenAny(Task.WhenAll(posting, sampling), Task.Delay(TimeSpan.FromSeconds(60), CancellationToken.None));
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
            foreach (var api in apis)
            {
                api.Dispose();
            }
            stopPosting.Dispose();
            stopSampling.Dispose();
        }
    }
}
