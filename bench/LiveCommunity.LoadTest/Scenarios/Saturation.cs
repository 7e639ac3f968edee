using System.Globalization;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Saturation, not offered load: the fan-out and reaction scenarios run level after level at a rising offered rate
/// until the target falls behind, on LiveCommunity and on the bare hub alike, so that each gets its own maximum. At
/// a rate both meet, "100 % of the baseline" says nothing about how much either had left; the highest level a target
/// kept up with, and its CPU per operation there, do.
/// <para>
/// Kept up means: every operation was issued at the offered rate (at least 95 % of it, counted to the last one
/// issued, not to its answer: the answers' time is latency, judged by the p99), nothing was lost and, for
/// fan-out, the 99th percentile from post to receipt stayed within <see cref="MaxP99Ms"/> (a reader a second behind
/// the story has fallen behind even if the messages arrive in the end). The first level a target misses ends its
/// ramp. Falling behind is the finding here, not a failure; a duplicate, a seq gap or a wrong final count still is.
/// </para>
/// <para>
/// The load generator shares the machine's cores with the target, and receiving hundreds of thousands of messages a
/// second costs it as much for either target, so the maxima are the system's; the CPU per operation is the target's
/// own (its process's CPU time). Its watchers are lean (<see cref="FanoutWatcher"/>): as HubConnections they took
/// most of the two cores themselves, and every target's "maximum" was theirs (bench/findings.md, ninth round).
/// </para>
/// <para>
/// The two targets' fan-out ramps are interleaved level by level (<see cref="InterleavedAsync"/>): both processes
/// are up, one is loaded at a time, and which goes first alternates from level to level. Ramped one after the
/// other, the targets ran minutes apart on a machine whose speed drifts, and the bare hub's maximum moved from 800
/// to 550 posts/s between two runs of one build (bench/findings.md, tenth round). The reaction ramps still run one
/// target after the other: their figure is one rate's CPU per reaction, which the idle gaps raised.
/// </para>
/// </summary>
public static class Saturation
{
    public const double MaxP99Ms = 1_000;
    private const int WarmupSeconds = 10;
    private const double IssuedShare = 0.95;

    /// <summary>One target's fan-out ramp: warmed up at <paramref name="warmUpRate"/>, then one level per <see cref="Ramp.StepAsync"/>.</summary>
    public static Ramp FanoutRamp(TargetHost host, Fanout.Options o, double warmUpRate, CancellationToken ct) => new(
        host, async () =>
        {
            // Not measured: a fresh process compiles its hot paths in its first seconds under load, and the first
            // level would carry that (as ReactionStorm's warm-up explains).
            Live.Say($"fan-out saturation on {host.Name}: warming up");
            await Fanout.RunAsync(host, host.Urls, o with { Rate = warmUpRate, Duration = WarmupSeconds }, ct);
        },
        async (rate, result) =>
        {
            Live.Say($"fan-out saturation on {host.Name}: {rate} posts/s to {o.Watchers} watchers");
            var level = await Fanout.RunAsync(host, host.Urls, o with { Rate = rate }, ct);
            var m = level.Metrics;
            var perSecond = m.GetValueOrDefault("deliveriesPerSecond");
            var cpuUs = Math.Round(perSecond > 0 ? m.GetValueOrDefault("serverCpuCores") * 1e6 / perSecond : 0, 2);
            var keptUp = level.Failures.Count == 0
                && m.GetValueOrDefault("issuedPerSecond") >= rate * IssuedShare
                && m.GetValueOrDefault("latencyP99Ms") <= MaxP99Ms;
            var prefix = "rate" + Key(rate);
            result.Metrics[prefix + "DeliveriesPerSecond"] = perSecond;
            result.Metrics[prefix + "CpuUsPerDelivery"] = cpuUs;
            result.Metrics[prefix + "LatencyP99Ms"] = m.GetValueOrDefault("latencyP99Ms");
            result.Metrics[prefix + "KeptUp"] = keptUp ? 1 : 0;
            result.AddPoint("deliveriesPerSecond", rate, perSecond);
            result.AddPoint("cpuUsPerDelivery", rate, cpuUs);
            Carry(level, result, prefix, m.GetValueOrDefault("duplicates") + m.GetValueOrDefault("seqGaps") > 0);
            if (!keptUp)
            {
                result.Notes.Add($"fell behind at {rate} posts/s: {Describe(level, m, rate)}");
                return false;
            }
            result.Metrics["maxSustainedPostsPerSecond"] = rate;
            result.Metrics["maxSustainedDeliveriesPerSecond"] = perSecond;
            result.Metrics["cpuUsPerDeliveryAtMax"] = cpuUs;
            return true;
        },
        ["maxSustainedPostsPerSecond", "maxSustainedDeliveriesPerSecond", "cpuUsPerDeliveryAtMax"]);

    /// <summary>One target's reaction ramp; its first level warms the process up fully (ReactionStorm), later ones only settle.</summary>
    public static Ramp ReactionRamp(TargetHost host, ReactionStorm.Options o, CancellationToken ct)
    {
        var first = true;
        return new(host, () => Task.CompletedTask, async (rate, result) =>
        {
            Live.Say($"reaction saturation on {host.Name}: {rate} reactions/s from {o.Users} users");
            var level = await ReactionStorm.RunAsync(host, o with { Rate = rate, WarmupSeconds = first ? o.WarmupSeconds : 2 }, ct);
            first = false;
            var m = level.Metrics;
            var perSecond = m.GetValueOrDefault("reactionsPerSecond");
            var keptUp = level.Failures.Count == 0 && perSecond >= rate * IssuedShare;
            var prefix = "rate" + Key(rate);
            result.Metrics[prefix + "ReactionsPerSecond"] = perSecond;
            result.Metrics[prefix + "CpuMsPerReaction"] = m.GetValueOrDefault("serverCpuMsPerReaction");
            result.Metrics[prefix + "KeptUp"] = keptUp ? 1 : 0;
            result.AddPoint("reactionsPerSecond", rate, perSecond);
            result.AddPoint("cpuMsPerReaction", rate, m.GetValueOrDefault("serverCpuMsPerReaction"));
            // A wrong final count is a broken guarantee at any rate; a rate not kept is only the ceiling.
            Carry(level, result, prefix, level.Failures.Any(f => f.Contains("count", StringComparison.Ordinal) || f.Contains("likes", StringComparison.Ordinal)));
            if (!keptUp)
            {
                result.Notes.Add($"fell behind at {rate} reactions/s: {perSecond} served");
                return false;
            }
            result.Metrics["maxSustainedReactionsPerSecond"] = perSecond;
            result.Metrics["cpuMsPerReactionAtMax"] = m.GetValueOrDefault("serverCpuMsPerReaction");
            return true;
        }, ["maxSustainedReactionsPerSecond", "cpuMsPerReactionAtMax"]);
    }

    /// <summary>
    /// Runs the ramps level by level: at each rate every ramp still going runs its level, the first one alternating,
    /// until each has missed a level or the rates are done. Every ramp is warmed up before the first level.
    /// </summary>
    public static async Task InterleavedAsync(IReadOnlyList<Ramp> ramps, double[] rates)
    {
        foreach (var ramp in ramps)
        {
            await ramp.WarmUpAsync();
        }
        var going = ramps.ToList();
        foreach (var (rate, index) in rates.Order().Select((r, i) => (r, i)))
        {
            // Alternating: neither always runs on the machine the other just left.
            foreach (var ramp in index % 2 == 0 ? going.ToList() : Enumerable.Reverse(going).ToList())
            {
                if (!await ramp.StepAsync(rate))
                {
                    going.Remove(ramp);
                }
                GC.Collect(); // the watchers of the level just run are closed: start the next one from a clean heap
            }
            if (going.Count == 0)
            {
                break;
            }
        }
    }

    /// <summary>
    /// One target's ramp: its result, a warm-up, and one level per call to <see cref="StepAsync"/> (false once it
    /// fell behind). The "at max" metrics start at zero, so a target that keeps no level says so.
    /// </summary>
    public sealed class Ramp
    {
        private readonly Func<Task> _warmUp;
        private readonly Func<double, RunResult, Task<bool>> _level;

        public Ramp(TargetHost host, Func<Task> warmUp, Func<double, RunResult, Task<bool>> level, string[] atMax)
        {
            (Host, _warmUp, _level) = (host, warmUp, level);
            foreach (var key in atMax)
            {
                Result.Metrics[key] = 0;
            }
        }

        public TargetHost Host { get; }
        public RunResult Result { get; } = new();

        public Task WarmUpAsync() => _warmUp();

        public Task<bool> StepAsync(double rate) => _level(rate, Result);
    }

    /// <summary>A level's failures: broken guarantees fail the run, the rest (falling behind) are notes.</summary>
    private static void Carry(RunResult level, RunResult result, string prefix, bool broken)
    {
        foreach (var failure in level.Failures)
        {
            (broken ? result.Failures : result.Notes).Add($"{prefix}: {failure}");
        }
        result.Notes.AddRange(level.Notes.Select(n => $"{prefix}: {n}"));
    }

    private static string Describe(RunResult level, Dictionary<string, double> m, double rate) =>
        level.Failures.Count > 0
            ? string.Join("; ", level.Failures)
            : $"{m.GetValueOrDefault("issuedPerSecond")} of {rate} posts/s issued ({m.GetValueOrDefault("postsPerSecond")}/s answered), p99 {m.GetValueOrDefault("latencyP99Ms")} ms";

    private static string Key(double rate) => rate.ToString("0.#", CultureInfo.InvariantCulture).Replace('.', '_');
}
