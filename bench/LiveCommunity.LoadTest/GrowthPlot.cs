using ScottPlot;

namespace LiveCommunity.LoadTest;

/// <summary>The growth scenario's costs against the topic's size: flat lines are the goal.</summary>
public static class GrowthPlot
{
    private static readonly (string Series, string Label)[] Costs =
    [
        ("cpuMsPerReply", "server CPU per reply (ms)"),
        ("cpuMsPerReaction", "server CPU per reaction (ms)"),
        ("firstPageP50Ms", "first page p50 (ms)"),
        ("replayP50Ms", "Watch replay of 50 events p50 (ms)"),
    ];

    public static bool Write(List<(string Name, ScenarioResult Result)> results, string path)
    {
        var growth = results.LastOrDefault(r => r.Result.Scenario == "growth").Result?.LiveCommunity;
        if (growth?.Series.GetValueOrDefault("cpuMsPerReply") is not { Count: > 1 })
        {
            return false;
        }
        var plot = new Plot();
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
}
