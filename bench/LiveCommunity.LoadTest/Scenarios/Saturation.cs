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
/// </summary>
public static class Saturation
{
    public const double MaxP99Ms = 1_000;
    private const int WarmupSeconds = 10;
    private const double IssuedShare = 0.95;

    public static async Task<RunResult> FanoutAsync(TargetHost host, Fanout.Options o, double[] rates, CancellationToken ct)
    {
        var result = new RunResult();
        var best = (Rate: 0.0, PerSecond: 0.0, CpuUs: 0.0);
        // Not measured: a fresh process compiles its hot paths in its first seconds under load, and the first level
        // would carry that (as ReactionStorm's warm-up explains).
        Live.Say("fan-out saturation: warming up");
        await Fanout.RunAsync(host, host.Urls, o with { Rate = rates.Min(), Duration = WarmupSeconds }, ct);
        foreach (var rate in rates.Order())
        {
            Live.Say($"fan-out saturation: {rate} posts/s to {o.Watchers} watchers");
            var level = await Fanout.RunAsync(host, host.Urls, o with { Rate = rate }, ct);
            var m = level.Metrics;
            var perSecond = m.GetValueOrDefault("deliveriesPerSecond");
            var cpuUs = perSecond > 0 ? m.GetValueOrDefault("serverCpuCores") * 1e6 / perSecond : 0;
            var keptUp = level.Failures.Count == 0
                && m.GetValueOrDefault("issuedPerSecond") >= rate * IssuedShare
                && m.GetValueOrDefault("latencyP99Ms") <= MaxP99Ms;
            var prefix = "rate" + Key(rate);
            result.Metrics[prefix + "DeliveriesPerSecond"] = perSecond;
            result.Metrics[prefix + "CpuUsPerDelivery"] = Math.Round(cpuUs, 2);
            result.Metrics[prefix + "LatencyP99Ms"] = m.GetValueOrDefault("latencyP99Ms");
            result.Metrics[prefix + "KeptUp"] = keptUp ? 1 : 0;
            result.AddPoint("deliveriesPerSecond", rate, perSecond);
            result.AddPoint("cpuUsPerDelivery", rate, Math.Round(cpuUs, 2));
            Carry(level, result, prefix, m.GetValueOrDefault("duplicates") + m.GetValueOrDefault("seqGaps") > 0);
            if (!keptUp)
            {
                result.Notes.Add($"fell behind at {rate} posts/s: {Describe(level, m, rate)}");
                break;
            }
            best = (rate, perSecond, cpuUs);
        }
        result.Metrics["maxSustainedPostsPerSecond"] = best.Rate;
        result.Metrics["maxSustainedDeliveriesPerSecond"] = best.PerSecond;
        result.Metrics["cpuUsPerDeliveryAtMax"] = Math.Round(best.CpuUs, 2);
        return result;
    }

    public static async Task<RunResult> ReactionsAsync(TargetHost host, ReactionStorm.Options o, double[] rates, CancellationToken ct)
    {
        var result = new RunResult();
        var best = (Rate: 0.0, PerSecond: 0.0, CpuMs: 0.0);
        var first = true;
        foreach (var rate in rates.Order())
        {
            Live.Say($"reaction saturation: {rate} reactions/s from {o.Users} users");
            // The first level warms the process up fully (ReactionStorm); later ones only settle at their new rate.
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
                break;
            }
            best = (rate, perSecond, m.GetValueOrDefault("serverCpuMsPerReaction"));
        }
        result.Metrics["maxSustainedReactionsPerSecond"] = best.PerSecond;
        result.Metrics["cpuMsPerReactionAtMax"] = best.CpuMs;
        return result;
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
