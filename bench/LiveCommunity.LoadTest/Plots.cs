using ScottPlot;

namespace LiveCommunity.LoadTest;

/// <summary>The doc's plots (ScottPlot, SVG), drawn from the result files.</summary>
public static class Plots
{
    public static List<string> Write(List<(string Name, ScenarioResult Result)> results, string docsDir)
    {
        var written = new List<string>();
        if (Latency(results, Path.Combine(docsDir, "bench-latency.svg")))
        {
            written.Add("bench-latency.svg");
        }
        if (Throughput(results, Path.Combine(docsDir, "bench-fanout.svg")))
        {
            written.Add("bench-fanout.svg");
        }
        if (Memory(results, Path.Combine(docsDir, "bench-memory.svg")))
        {
            written.Add("bench-memory.svg");
        }
        if (GrowthReport.Plot(results, Path.Combine(docsDir, "bench-growth.svg")))
        {
            written.Add("bench-growth.svg");
        }
        written.AddRange(SaturationReport.Plot(results, docsDir));
        return written;
    }

    /// <summary>p50/p90/p99 per scenario run, LiveCommunity next to the baseline.</summary>
    private static bool Latency(List<(string Name, ScenarioResult Result)> results, string path)
    {
        var plot = new Plot();
        var ticks = new List<Tick>();
        var x = 0.0;
        var lc = new List<Bar>();
        var bl = new List<Bar>();
        foreach (var (name, r) in results)
        {
            var prefix = r.LiveCommunity?.Metrics.ContainsKey("latencyP99Ms") == true ? "latency"
                : r.LiveCommunity?.Metrics.ContainsKey("withStalledLatencyP99Ms") == true ? "withStalledLatency" : null;
            if (prefix is null)
            {
                continue;
            }
            foreach (var p in new[] { "P50", "P90", "P99" })
            {
                lc.Add(new Bar { Position = x, Value = r.LiveCommunity!.Metrics.GetValueOrDefault(prefix + p + "Ms"), FillColor = Colors.SteelBlue });
                bl.Add(new Bar { Position = x + 0.4, Value = r.Baseline?.Metrics.GetValueOrDefault(prefix + p + "Ms") ?? 0, FillColor = Colors.Gray });
                ticks.Add(new Tick(x + 0.2, $"{name}\n{p.ToLowerInvariant()}"));
                x += 1.2;
            }
            x += 0.6;
        }
        if (lc.Count == 0)
        {
            return false;
        }
        foreach (var b in lc.Concat(bl))
        {
            b.Size = 0.4;
        }
        plot.Add.Bars(lc).LegendText = "LiveCommunity";
        plot.Add.Bars(bl).LegendText = "baseline (bare SignalR)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.Label.Text = "post-to-delivery latency (ms)";
        plot.Title("Latency percentiles per scenario");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, Math.Max(800, ticks.Count * 70), 500);
        return true;
    }

    /// <summary>Deliveries/s against watchers, over the fanout runs.</summary>
    private static bool Throughput(List<(string Name, ScenarioResult Result)> results, string path)
    {
        var fan = results.Where(r => r.Result.Scenario == "fanout" && r.Result.LiveCommunity is not null)
            .Select(r => r.Result).OrderBy(r => r.LiveCommunity!.Metrics.GetValueOrDefault("watchers")).ToList();
        if (fan.Count == 0)
        {
            return false;
        }
        var plot = new Plot();
        var xs = fan.Select(r => r.LiveCommunity!.Metrics.GetValueOrDefault("watchers")).ToArray();
        var s1 = plot.Add.Scatter(xs, fan.Select(r => r.LiveCommunity!.Metrics.GetValueOrDefault("deliveriesPerSecond")).ToArray());
        s1.LegendText = "LiveCommunity";
        var withBaseline = fan.Where(r => r.Baseline is not null).ToList();
        if (withBaseline.Count > 0)
        {
            var s2 = plot.Add.Scatter(withBaseline.Select(r => r.Baseline!.Metrics.GetValueOrDefault("watchers")).ToArray(),
                withBaseline.Select(r => r.Baseline!.Metrics.GetValueOrDefault("deliveriesPerSecond")).ToArray());
            s2.LegendText = "baseline (bare SignalR)";
        }
        plot.Axes.Bottom.Label.Text = "watchers";
        plot.Axes.Left.Label.Text = "deliveries per second";
        plot.Title("Fan-out throughput");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, 800, 450);
        return true;
    }

    /// <summary>Server RSS against connections held.</summary>
    private static bool Memory(List<(string Name, ScenarioResult Result)> results, string path)
    {
        var conn = results.LastOrDefault(r => r.Result.Scenario == "connections").Result;
        if (conn?.LiveCommunity?.Series.GetValueOrDefault("serverRssMbByConnections") is not { Count: > 1 } lcSeries)
        {
            return false;
        }
        var plot = new Plot();
        plot.Add.Scatter(lcSeries.Select(p => p[0]).ToArray(), lcSeries.Select(p => p[1]).ToArray()).LegendText = "LiveCommunity";
        if (conn.Baseline?.Series.GetValueOrDefault("serverRssMbByConnections") is { Count: > 1 } b)
        {
            plot.Add.Scatter(b.Select(p => p[0]).ToArray(), b.Select(p => p[1]).ToArray()).LegendText = "baseline (bare SignalR)";
        }
        plot.Axes.Bottom.Label.Text = "idle connections held";
        plot.Axes.Left.Label.Text = "server RSS (MB)";
        plot.Title("Server memory against connections");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, 800, 450);
        return true;
    }
}
