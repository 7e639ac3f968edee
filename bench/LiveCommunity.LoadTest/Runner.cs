using System.Globalization;
using Spectre.Console;

namespace LiveCommunity.LoadTest;

/// <summary>Options every scenario takes: where the targets are (or which builds to start) and where results go.</summary>
public sealed record Common(
    string[] Targets, string[] Baselines, int? ServerPid, int? BaselinePid, bool NoBaseline,
    string ServerDll, string BaselineDll, string WorkDir, string Out, int Duration, int TimeoutSeconds);

/// <summary>
/// Runs one scenario's code against the baseline and then against LiveCommunity, one at a time so they do not
/// share the CPU, and writes both with their ratios to one JSON file.
/// </summary>
public static class Runner
{
    public static Task<int> RunAsync(
        string scenario, Common common, Dictionary<string, string> parameters, int ports,
        Func<TargetHost, CancellationToken, Task<RunResult>> run, CancellationToken cancel) =>
        RunBothAsync(scenario, common, parameters, ports, null,
            common.NoBaseline || (common.Baselines.Length == 0 && !File.Exists(common.BaselineDll))
                ? null
                : ct => OpenAsync(TargetHost.Baseline, common.Baselines, common.BaselinePid, common.BaselineDll, common, ports, ct),
            run, cancel);

    /// <summary>
    /// Like <see cref="RunAsync"/>, but the baseline is LiveCommunity itself started with <paramref name="baselineSettings"/>
    /// (a feature switched off), so the ratio is what that feature buys.
    /// </summary>
    public static Task<int> RunAgainstSettingsAsync(
        string scenario, Common common, Dictionary<string, string> parameters, IReadOnlyDictionary<string, string> baselineSettings,
        Func<TargetHost, CancellationToken, Task<RunResult>> run, CancellationToken cancel) =>
        RunBothAsync(scenario, common, parameters, 1,
            "baseline: LiveCommunity with " + string.Join(", ", baselineSettings.Select(s => $"{s.Key}={s.Value}")),
            common.Targets.Length > 0 || common.NoBaseline
                ? null
                : ct => TargetHost.StartAsync(TargetHost.LiveCommunity, common.ServerDll, common.WorkDir, 1, ct, baselineSettings),
            run, cancel);

    /// <summary>
    /// For the saturation ramps: the baseline and LiveCommunity are both up, and <paramref name="ramps"/> makes one
    /// ramp per target (the baseline's first, when there is one) and runs them level by level
    /// (<see cref="Scenarios.Saturation.InterleavedAsync"/>), so both ramps see the machine as it is at each rate.
    /// </summary>
    public static async Task<int> RunInterleavedAsync(
        string scenario, Common common, Dictionary<string, string> parameters, int ports,
        Func<IReadOnlyList<TargetHost>, CancellationToken, Task<IReadOnlyList<RunResult>>> ramps, CancellationToken cancel)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(TimeSpan.FromSeconds(common.TimeoutSeconds));
        var ct = cts.Token;
        parameters["duration"] = common.Duration.ToString(CultureInfo.InvariantCulture);
        var result = new ScenarioResult { Scenario = scenario, Parameters = parameters };
        var withBaseline = !common.NoBaseline && (common.Baselines.Length > 0 || File.Exists(common.BaselineDll));
        await using var baseline = withBaseline ? await OpenAsync(TargetHost.Baseline, common.Baselines, common.BaselinePid, common.BaselineDll, common, ports, ct) : null;
        await using var server = await OpenAsync(TargetHost.LiveCommunity, common.Targets, common.ServerPid, common.ServerDll, common, ports, ct);
        Live.Say($"== {scenario}, levels interleaved: LiveCommunity ({server.Url})" + (baseline is null ? "" : $" and the baseline ({baseline.Url})"));
        var results = await ramps(baseline is null ? [server] : [baseline, server], ct);
        if (baseline is null)
        {
            result.Notes.Add("no baseline in this run");
        }
        else
        {
            result.Baseline = results[0];
            result.Notes.Add("levels interleaved: at each rate both targets ran, one after the other, the first alternating");
        }
        result.LiveCommunity = results[^1];
        return await FinishAsync(result, common);
    }

    // The baseline first, then LiveCommunity, one at a time so they do not share the CPU; then the result file.
    private static async Task<int> RunBothAsync(
        string scenario, Common common, Dictionary<string, string> parameters, int ports, string? note,
        Func<CancellationToken, Task<TargetHost>>? openBaseline, Func<TargetHost, CancellationToken, Task<RunResult>> run, CancellationToken cancel)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(TimeSpan.FromSeconds(common.TimeoutSeconds));
        var ct = cts.Token;
        parameters["duration"] = common.Duration.ToString(CultureInfo.InvariantCulture);
        var result = new ScenarioResult { Scenario = scenario, Parameters = parameters };
        if (note is not null)
        {
            result.Notes.Add(note);
        }
        if (openBaseline is not null)
        {
            await using var baseline = await openBaseline(ct);
            Live.Say($"== {scenario} on the baseline ({baseline.Url})");
            result.Baseline = await run(baseline, ct);
            await Settle();
        }
        else
        {
            result.Notes.Add("no baseline in this run");
        }
        await using (var server = await OpenAsync(TargetHost.LiveCommunity, common.Targets, common.ServerPid, common.ServerDll, common, ports, ct))
        {
            Live.Say($"== {scenario} on LiveCommunity ({server.Url})");
            result.LiveCommunity = await run(server, ct);
        }
        return await FinishAsync(result, common);
    }

    /// <summary>Writes the result file, prints the table and says where it went; 0 when the run passed.</summary>
    private static async Task<int> FinishAsync(ScenarioResult result, Common common)
    {
        result.Complete();
        await result.SaveAsync(common.Out);
        Print(result);
        Live.Say($"results: {common.Out}");
        return result.Passed ? 0 : 1;
    }

    private static async Task<TargetHost> OpenAsync(string name, string[] urls, int? pid, string dll, Common common, int ports, CancellationToken ct) =>
        urls.Length > 0 ? TargetHost.Attach(name, urls, pid) : await TargetHost.StartAsync(name, dll, common.WorkDir, ports, ct);

    /// <summary>Let the previous target's sockets and GC settle before the next one starts.</summary>
    private static async Task Settle()
    {
        GC.Collect();
        await Task.Delay(1000);
    }

    public static void Print(ScenarioResult result)
    {
        var table = new Table().AddColumns("metric", "LiveCommunity", "baseline", "ratio");
        var keys = (result.LiveCommunity?.Metrics.Keys ?? Enumerable.Empty<string>())
            .Union(result.Baseline?.Metrics.Keys ?? Enumerable.Empty<string>());
        foreach (var key in keys)
        {
            table.AddRow(key, Fmt(result.LiveCommunity, key), Fmt(result.Baseline, key),
                result.Ratios.TryGetValue(key, out var r) ? r.ToString("0.###", CultureInfo.InvariantCulture) : "");
        }
        AnsiConsole.Write(table);
        foreach (var failure in result.LiveCommunity?.Failures ?? [])
        {
            Live.Say("FAIL (LiveCommunity): " + failure);
        }
        foreach (var failure in result.Baseline?.Failures ?? [])
        {
            Live.Say("baseline: " + failure);
        }
        Live.Say(result.Passed ? "PASSED" : "FAILED");
    }

    private static string Fmt(RunResult? run, string key) =>
        run is not null && run.Metrics.TryGetValue(key, out var v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "";

    /// <summary>Calls <paramref name="op"/> <paramref name="total"/> times at <paramref name="rate"/> per second,
    /// at most <paramref name="inFlight"/> at once, and never past <paramref name="until"/>. Returns how many were
    /// issued; <paramref name="pacing"/>, when given, learns when the last one was.</summary>
    public static async Task<int> PaceAsync(int total, double rate, int inFlight, DateTime until, Func<int, Task> op, CancellationToken ct,
        Pacing? pacing = null)
    {
        using var gate = new SemaphoreSlim(inFlight);
        var tasks = new List<Task>(total);
        var start = DateTime.UtcNow;
        var issued = 0;
        for (var k = 0; k < total; k++)
        {
            var due = start.AddSeconds(k / rate);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }
            if (DateTime.UtcNow >= until)
            {
                break;
            }
            await gate.WaitAsync(ct);
            var index = k;
            issued++;
            if (pacing is not null)
            {
                pacing.Start = start;
                pacing.LastIssuedAt = DateTime.UtcNow;
            }
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await op(index);
                }
                finally
                {
                    gate.Release();
                }
            }, ct));
        }
        await Task.WhenAll(tasks);
        return issued;
    }

    /// <summary>
    /// When a paced run started and issued its last operation. The rate a run kept is the rate it issued at: its
    /// answers' time is latency, judged on its own (a level whose last answers took 0.4 s was not slower to offer).
    /// </summary>
    public sealed class Pacing
    {
        public DateTime Start { get; set; }
        public DateTime LastIssuedAt { get; set; }

        /// <summary>Operations per second as issued: <paramref name="issued"/> over the time to the last one plus its own slot.</summary>
        public double IssuedPerSecond(int issued, double rate) =>
            issued == 0 ? 0 : issued / ((LastIssuedAt - Start).TotalSeconds + 1 / rate);
    }

    /// <summary>Polls <paramref name="done"/> every 50 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(50, ct);
        }
        return true;
    }

    /// <summary>Opens the watchers <paramref name="parallel"/> at a time; counts failures instead of throwing.</summary>
    public static async Task<(List<Watcher> Open, int Errors)> OpenWatchersAsync(
        int count, Func<int, Watcher> create, int parallel, CancellationToken ct)
    {
        var open = new List<Watcher>(count);
        var errors = 0;
        using var gate = new SemaphoreSlim(parallel);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var watcher = create(i);
                try
                {
                    await watcher.StartAsync(ct);
                    lock (open)
                    {
                        open.Add(watcher);
                    }
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    await watcher.Connection.DisposeAsync();
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks);
        return (open, errors);
    }

    public static async Task CloseAsync(IEnumerable<Watcher> watchers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = timeout.Token },
            async (w, _) => await w.Connection.DisposeAsync());
    }
}
