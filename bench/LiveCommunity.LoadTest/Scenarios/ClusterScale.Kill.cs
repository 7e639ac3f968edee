using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>The kill phase of <see cref="ClusterScale"/>: shed watchers on the survivors, SIGKILL one instance, wait for its watchers to resume elsewhere.</summary>
public static partial class ClusterScale
{
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
}
