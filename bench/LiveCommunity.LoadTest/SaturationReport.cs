using ScottPlot;

namespace LiveCommunity.LoadTest;

/// <summary>
/// Issue 19's efficiency targets in the doc, each against the bare hub of the same run: fan-out at saturation
/// (fanout-saturation), CPU per reaction at 1,000/s offered (reaction-saturation's level, else reaction-storm's run)
/// and memory per idle connection (connections).
/// </summary>
public static class SaturationReport
{
    /// <summary>
    /// CPU per operation against the offered rate, LiveCommunity beside the bare hub, one plot per ramp; each line
    /// ends at the first level its target missed.
    /// </summary>
    public static IEnumerable<string> Plot(List<(string Name, ScenarioResult Result)> results, string docsDir)
    {
        (string Scenario, string Series, string File, string X, string Y)[] ramps =
        [
            ("fanout-saturation", "cpuUsPerDelivery", "bench-saturation-fanout.svg", "posts/s offered (1,000 watchers on 2 topics)", "server CPU per delivery (µs)"),
            ("reaction-saturation", "cpuMsPerReaction", "bench-saturation-reactions.svg", "reactions/s offered", "server CPU per reaction (ms)"),
        ];
        foreach (var (scenario, series, file, x, y) in ramps)
        {
            if (results.LastOrDefault(r => r.Result.Scenario == scenario).Result is not { LiveCommunity: { } lc } ramp
                || lc.Series.GetValueOrDefault(series) is not { Count: > 0 } points)
            {
                continue;
            }
            var plot = new ScottPlot.Plot();
            var line = plot.Add.Scatter(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray());
            line.LegendText = "LiveCommunity";
            line.Color = Colors.SteelBlue;
            if (ramp.Baseline?.Series.GetValueOrDefault(series) is { Count: > 0 } hub)
            {
                var hubLine = plot.Add.Scatter(hub.Select(p => p[0]).ToArray(), hub.Select(p => p[1]).ToArray());
                hubLine.LegendText = "bare SignalR hub";
                hubLine.Color = Colors.Gray;
            }
            plot.Axes.Bottom.Label.Text = x;
            plot.Axes.Left.Label.Text = y;
            plot.Title($"{scenario}: rising rates until each falls behind (its last point)");
            plot.ShowLegend(Alignment.UpperRight);
            plot.SaveSvg(Path.Combine(docsDir, file), 800, 400);
            yield return file;
        }
    }

    public static IEnumerable<(string, string, string)> Targets(List<ScenarioResult> all)
    {
        static string Yes(bool ok) => ok ? "yes" : "**no**";
        const string fanTarget = "fan-out at saturation: ≥ 90% of the bare hub's highest sustained deliveries/s, ≤ 1.15× its CPU per delivery";
        if (all.LastOrDefault(r => r.Scenario == "fanout-saturation") is { LiveCommunity: { } lc, Baseline: { } hub } fan)
        {
            var (max, hubMax) = (lc.Metrics.GetValueOrDefault("maxSustainedDeliveriesPerSecond"), hub.Metrics.GetValueOrDefault("maxSustainedDeliveriesPerSecond"));
            var (cpu, hubCpu) = (lc.Metrics.GetValueOrDefault("cpuUsPerDeliveryAtMax"), hub.Metrics.GetValueOrDefault("cpuUsPerDeliveryAtMax"));
            // CPU per delivery falls as the rate rises (fixed costs spread): at each one's maximum, and at the highest
            // rate both kept, so neither comparison hides the other.
            var both = lc.Metrics.Keys.Where(k => k.StartsWith("rate", StringComparison.Ordinal) && k.EndsWith("KeptUp", StringComparison.Ordinal)
                    && lc.Metrics[k] == 1 && hub.Metrics.GetValueOrDefault(k) == 1)
                .Select(k => k[..^"KeptUp".Length]).MaxBy(k => lc.Metrics.GetValueOrDefault(k + "DeliveriesPerSecond"));
            var same = both is null ? "no rate both kept"
                : $"at {both[4..]} posts/s, the highest both kept: {lc.Metrics.GetValueOrDefault(both + "CpuUsPerDelivery"):0.##} µs against {hub.Metrics.GetValueOrDefault(both + "CpuUsPerDelivery"):0.##} µs";
            yield return (fanTarget,
                $"{max:0}/s against {hubMax:0}/s ({(hubMax > 0 ? max / hubMax : 0):P0}); at those maxima {cpu:0.##} µs CPU per delivery against {hubCpu:0.##} µs ({(hubCpu > 0 ? cpu / hubCpu : 0):0.##}×); {same}; {fan.Parameters.GetValueOrDefault("watchers")} watchers",
                Yes(hubMax > 0 && max >= 0.9 * hubMax && hubCpu > 0 && cpu <= 1.15 * hubCpu));
        }
        else
        {
            yield return (fanTarget, "not measured", "?");
        }

        const string reactionTarget = "reactions at 1,000/s offered: ≤ 0.6 ms server CPU each";
        var ramp = all.LastOrDefault(r => r.Scenario == "reaction-saturation");
        if (ramp?.LiveCommunity?.Metrics.TryGetValue("rate1000CpuMsPerReaction", out var perReaction) == true)
        {
            var hubPer = ramp.Baseline?.Metrics.GetValueOrDefault("rate1000CpuMsPerReaction");
            var max = ramp.LiveCommunity.Metrics.GetValueOrDefault("maxSustainedReactionsPerSecond");
            var hubMax = ramp.Baseline?.Metrics.GetValueOrDefault("maxSustainedReactionsPerSecond");
            yield return (reactionTarget,
                $"{perReaction:0.###} ms (bare hub {hubPer:0.###} ms); highest rate kept: {max:0}/s at {ramp.LiveCommunity.Metrics.GetValueOrDefault("cpuMsPerReactionAtMax"):0.###} ms (bare hub {hubMax:0}/s)",
                Yes(perReaction <= 0.6));
        }
        else
        {
            yield return (reactionTarget, "not measured", "?");
        }

        const string memoryTarget = "≤ 30 KB server memory per idle connection";
        var conn = all.LastOrDefault(r => r.Scenario == "connections");
        if (conn?.LiveCommunity?.Metrics.TryGetValue("serverKbPerConnection", out var kb) == true)
        {
            yield return (memoryTarget, $"{kb:0.#} KB (bare hub {conn.Baseline?.Metrics.GetValueOrDefault("serverKbPerConnection"):0.#} KB)", Yes(kb <= 30));
        }
        else
        {
            yield return (memoryTarget, "not measured", "?");
        }
    }
}
