using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>What <see cref="ClusterScale"/> measures and how it reports: snapshots, phase rates, latency merging, Redis census, targets.</summary>
public static partial class ClusterScale
{
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
            result.AddPoint(series, x, y);
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
