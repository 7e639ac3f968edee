using System.Globalization;
using System.Text;
using ScottPlot;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// The soak section of docs/benchmarks.md and its plots (memory and open handles over time), from every soak
/// result file: the current build, and any earlier build kept as <c>soak-NAME.json</c> (e.g. soak-before.json,
/// the build before the read cache was bounded in bytes), next to the bare SignalR hub under the same churn.
/// </summary>
public static class SoakReport
{
    public const string Begin = "<!-- soak:begin (LiveCommunity.LoadTest soak; do not edit) -->";
    public const string End = "<!-- soak:end -->";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string? Render(List<(string Name, ScenarioResult Result)> results, string docsDir)
    {
        var runs = results.Where(r => r.Result.Scenario == "soak" && r.Result.LiveCommunity is not null).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (runs.Count == 0)
        {
            return null;
        }
        Plot(runs, "rssMb", "server RSS (MB)", "Soak: resident memory over time", Path.Combine(docsDir, "bench-soak-memory.svg"), withGc: true);
        Plot(runs, "handles", "open handles (/proc/PID/fd)", "Soak: open handles over time", Path.Combine(docsDir, "bench-soak-handles.svg"), withGc: false);
        var md = new StringBuilder();
        md.AppendLine(Begin);
        md.AppendLine("## Soak: memory of ordinary traffic over time (issue 25)");
        md.AppendLine();
        md.AppendLine("One instance in Production on SQLite (per-user and per-address limits lifted, as bench/lift-limits.sh does): hub");
        md.AppendLine("clients coming and going (each watches a topic for 2–8 s, a third also the topic list), replies, reactions and");
        md.AppendLine("page reads (a share signed in) over a few hundred topics with a hot few. RSS and open handles from /proc, the GC");
        md.AppendLine("heap as the last collection left it from the runtime metrics on /metrics. The baseline (bare SignalR hub) gets the");
        md.AppendLine("same connection churn, replies and reactions; it serves no reads. The memory budget of the read cache is");
        md.AppendLine("`ReadCache:MaxBytes` (parameter readCacheMaxBytes; \"default\" is 64 MiB), shared pages and output cache together;");
        md.AppendLine("docs/deployment.md, \"Sizing the read cache\", says how to size it. A run named soak-NAME is an earlier build kept for comparison.");
        md.AppendLine();
        md.AppendLine("![bench-soak-memory.svg](bench-soak-memory.svg)");
        md.AppendLine();
        md.AppendLine("![bench-soak-handles.svg](bench-soak-handles.svg)");
        foreach (var (name, r) in runs)
        {
            md.AppendLine();
            md.AppendLine($"### {name} ({r.StartedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv)})");
            md.AppendLine();
            md.AppendLine("Parameters: " + string.Join(", ", r.Parameters.Select(p => $"{p.Key} {p.Value}")) + ".");
            md.AppendLine();
            md.AppendLine("| metric | LiveCommunity | baseline |");
            md.AppendLine("|---|---:|---:|");
            foreach (var key in r.LiveCommunity!.Metrics.Keys.Union(r.Baseline?.Metrics.Keys ?? Enumerable.Empty<string>()))
            {
                md.AppendLine($"| {key} | {Fmt(r.LiveCommunity, key)} | {Fmt(r.Baseline, key)} |");
            }
            foreach (var n in r.Notes.Concat(r.LiveCommunity.Notes))
            {
                md.AppendLine($"- note: {n}");
            }
        }
        md.AppendLine(End);
        return md.ToString();
    }

    /// <summary>Replaces the soak section of <paramref name="doc"/>, or appends it when there is none yet.</summary>
    public static string Splice(string doc, string section)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        return begin >= 0 && end > begin
            ? doc[..begin] + section.TrimEnd() + doc[(end + End.Length)..]
            : doc.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
    }

    public static string? Existing(string doc)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        return begin >= 0 && end > begin ? doc[begin..(end + End.Length)] + Environment.NewLine : null;
    }

    private static void Plot(List<(string Name, ScenarioResult Result)> runs, string series, string label, string title, string path, bool withGc)
    {
        var plot = new Plot();
        foreach (var (name, r) in runs)
        {
            Line(plot, r.LiveCommunity!.Series.GetValueOrDefault(series), $"LiveCommunity, {name}", LinePattern.Solid);
            if (withGc)
            {
                Line(plot, r.LiveCommunity.Series.GetValueOrDefault("gen2AfterGcMb"), $"gen2 heap after the last GC, {name}", LinePattern.Dashed);
            }
            if (r.Baseline is not null)
            {
                Line(plot, r.Baseline.Series.GetValueOrDefault(series), $"baseline (bare SignalR), {name}", LinePattern.Dotted);
            }
        }
        plot.Axes.Bottom.Label.Text = "seconds since the start of the load";
        plot.Axes.Left.Label.Text = label;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, 900, 480);
    }

    private static void Line(Plot plot, List<double[]>? points, string legend, LinePattern pattern)
    {
        if (points is not { Count: > 1 })
        {
            return;
        }
        var line = plot.Add.Scatter(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray());
        line.LegendText = legend;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        line.LineWidth = 2;
    }

    private static string Fmt(RunResult? run, string key) =>
        run is not null && run.Metrics.TryGetValue(key, out var v) ? v.ToString("0.###", Inv) : "";
}
