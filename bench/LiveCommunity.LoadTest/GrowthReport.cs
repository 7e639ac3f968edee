using ScottPlot;

namespace LiveCommunity.LoadTest;

/// <summary>The growth scenario in the doc: its target row and its plot of costs against the topic's size.</summary>
public static class GrowthReport
{
    private static readonly (string Series, string Label)[] Costs =
    [
        ("cpuMsPerReply", "server CPU per reply (ms)"),
        ("cpuMsPerReaction", "server CPU per reaction (ms)"),
        ("firstPageP50Ms", "first page p50 (ms)"),
        ("replayP50Ms", "Watch replay of 50 events p50 (ms)"),
    ];

    /// <summary>Flat lines are the goal.</summary>
    public static bool Plot(List<(string Name, ScenarioResult Result)> results, string path)
    {
        var growth = results.LastOrDefault(r => r.Result.Scenario == "growth").Result?.LiveCommunity;
        if (growth?.Series.GetValueOrDefault("cpuMsPerReply") is not { Count: > 1 })
        {
            return false;
        }
        var plot = new ScottPlot.Plot();
        foreach (var (series, label) in Costs)
        {
            if (growth.Series.GetValueOrDefault(series) is { Count: > 0 } points)
            {
                plot.Add.Scatter(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray()).LegendText = label;
            }
        }
        plot.Axes.Bottom.Label.Text = "replies already on the topic";
        plot.Axes.Left.Label.Text = "milliseconds";
        plot.Title("Cost per operation against the story's size (SQLite, defaults)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, 800, 450);
        return true;
    }

    /// <summary>
    /// Issue 19: a topic at 50,000 replies takes replies within 10% of the rate an empty topic takes, and ≥ 2,000/s.
    /// The empty rate is the one measured in turns with the story in the same process (growth's MeasureAsync).
    /// </summary>
    public static IEnumerable<(string, string, string)> Targets(List<ScenarioResult> all)
    {
        const string target = "one topic at 50,000 replies takes replies within 10% of an empty topic's rate, ≥ 2,000 replies/s (SQLite, defaults, duplicate window on)";
        var metrics = all.LastOrDefault(r => r.Scenario == "growth")?.LiveCommunity?.Metrics;
        var empty = metrics?.GetValueOrDefault("size50000EmptyRepliesPerSecond") ?? 0;
        if (metrics is null || !metrics.TryGetValue("size50000RepliesPerSecond", out var at50k) || empty <= 0)
        {
            yield return (target, "not measured", "?");
            yield break;
        }
        var cpu = metrics.GetValueOrDefault("size50000CpuMsPerReply");
        var cpuEmpty = metrics.GetValueOrDefault("size50000EmptyCpuMsPerReply");
        yield return (target,
            $"{at50k:0}/s at 50k against {empty:0}/s on an empty topic in turns with it ({at50k / empty:P0}); CPU per reply {cpu:0.###} ms against {cpuEmpty:0.###} ms; the story itself when empty: {metrics.GetValueOrDefault("size0RepliesPerSecond"):0}/s",
            at50k >= 0.9 * empty && at50k >= 2_000 ? "yes" : "**no**");
    }
}
