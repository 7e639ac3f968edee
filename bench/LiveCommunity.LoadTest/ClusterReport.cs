using System.Globalization;
using System.Text;
using ScottPlot;

namespace LiveCommunity.LoadTest;

/// <summary>
/// The "Cluster scale-out" section of docs/benchmarks.md and its plots, from a cluster-scale result. The section sits
/// between markers, so that bench/cluster-scale.sh (a separate, heavy run) can replace it alone, and a full
/// regeneration by bench/run.sh (which does not run it) keeps it.
/// </summary>
public static class ClusterReport
{
    public const string Begin = "<!-- cluster-scale:begin (bench/cluster-scale.sh; do not edit) -->";
    public const string End = "<!-- cluster-scale:end -->";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The section of the latest cluster-scale result in <paramref name="results"/>, or null when there is none.</summary>
    /// <param name="findings">a hand-written page (bench/cluster-scale-findings.md) placed in the section, if it exists</param>
    public static string? Render(List<(string Name, ScenarioResult Result)> results, string docsDir, string? findings = null)
    {
        var runs = results.Where(x => x.Result.Scenario == "cluster-scale" && x.Result.LiveCommunity is not null).OrderBy(x => x.Result.StartedAt).ToList();
        // The section details the largest run that got to its end check; the table below lists every run.
        var (name, r) = runs.Where(x => x.Result.LiveCommunity!.Metrics.ContainsKey("final.watchersChecked"))
            .OrderBy(x => x.Result.LiveCommunity!.Metrics.GetValueOrDefault("watchersTarget")).LastOrDefault();
        if (r is null)
        {
            (name, r) = runs.LastOrDefault();
        }
        if (r is null)
        {
            return null;
        }
        var m = r.LiveCommunity!.Metrics;
        double M(string key) => m.TryGetValue(key, out var v) ? v : double.NaN;
        string F(string key, string format = "0.##") => m.TryGetValue(key, out var v) && !double.IsNaN(v) ? v.ToString(format, Inv) : "–";
        // Posting goes on through every phase: a phase's own cost is its rate above the steady phase's, times its length.
        string Net(string phase, string rate, string per, string format = "0.#")
        {
            var extra = (M($"{phase}.{rate}") - M($"steady.{rate}")) * M($"{phase}.seconds") / M(per);
            return double.IsFinite(extra) ? extra.ToString(format, Inv) : "–";
        }
        var instances = m.Keys.Where(k => k.StartsWith("watchers@", StringComparison.Ordinal)).Select(k => k["watchers@".Length..]).Order(StringComparer.Ordinal).ToList();
        var p = r.Parameters;
        var md = new StringBuilder();
        md.AppendLine(Begin);
        md.AppendLine($"## Cluster scale-out: {p.GetValueOrDefault("instances")} instances, {M("watchersTarget"):N0} watchers{(r.Passed ? "" : " — FAILED")}");
        md.AppendLine();
        md.AppendLine($"Run {r.StartedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv)} by `bench/cluster-scale.sh` ({name}.json): `scripts/cluster.sh` with its own ports, three");
        md.AppendLine($"instances (Release build, PostgreSQL, the Redis backplane), {F("processes", "0")} load-generator processes each holding at most");
        md.AppendLine("12,500 watchers (the per-process open-file limit here is 20,000 and cannot be raised), connected to the instances");
        md.AppendLine("directly, each topic's watchers spread over all instances. Topics: " +
            $"{F("topics", "0")}; the hot one has {F("hotTopicWatchers", "N0")} watchers ({double.Parse(p.GetValueOrDefault("hotShare", "0"), Inv):P0}), " +
            $"the others Zipf-like (exponent {p.GetValueOrDefault("zipf")}) from {F("largestOtherTopicWatchers", "N0")} down to {F("smallestTopicWatchers", "N0")}.");
        md.AppendLine($"Replies are posted at {p.GetValueOrDefault("rate")}/s over all topics (each topic alike) from the steady phase to the end, through");
        md.AppendLine($"the live instances in turn; then a reaction storm ({p.GetValueOrDefault("reactionRate")} reactions/s for {p.GetValueOrDefault("reactionSeconds")} s on one reply of");
        md.AppendLine($"the hot topic), a removal storm ({p.GetValueOrDefault("removals")} replies of the hot topic removed at {p.GetValueOrDefault("removalRate")}/s), and one instance killed");
        md.AppendLine("with SIGKILL. Everything (instances, PostgreSQL, Redis, the load generator) shares the machine's cores;");
        md.AppendLine($"the instances ran with `Presence:Throttle` {p.GetValueOrDefault("presenceThrottle", "default")} and `Reactions:CoalesceWindow` " +
            $"{p.GetValueOrDefault("reactionCoalesceWindow", "default")}: quieter than the defaults, so that presence and reaction updates to every");
        md.AppendLine("watcher while tens of thousands connect do not starve two shared cores (bench/cluster-scale.sh says why);");
        md.AppendLine($"1-minute load average {F("machine.loadAverageAtStart")} at the start, {F("machine.loadAverageAtEnd")} at the end.");
        md.AppendLine();
        var n = instances.Count;
        var perInstance = M("watchersTarget") / Math.Max(1, n);
        var needed = M("watchersTarget") / Math.Max(1, n - 1);
        md.AppendLine($"**The kill, and the open-file limit.** Every instance may hold at most 20,000 descriptors too. {n} instances hold");
        md.AppendLine($"{M("watchersTarget"):N0} watchers (about {perInstance:N0} each); after a kill the {n - 1} survivors would need {needed:N0} each.");
        md.AppendLine($"So before the kill the survivors shed watchers (closed normally) until each can take its share of the victim's and stay");
        md.AppendLine($"at or under {p.GetValueOrDefault("maxPerInstance")}: the killed instance still held its full share ({F("kill.victims", "N0")} watchers), all of which had to");
        md.AppendLine($"come back on the survivors, while {F("kill.watchersAtKill", "N0")} watchers were connected in all. Watchers reconnect with the web SDK's");
        md.AppendLine("retry policy (within 2 s at random, then 1, 2, 5,");
        md.AppendLine("10 s, ±25 %) to the next instance that answers, as behind a proxy, and resume with `Watch(topicId, lastSeq)`.");
        md.AppendLine();

        if (runs.Count > 1)
        {
            md.AppendLine("Runs in `bench/results/` (this section details the largest that reached its end check):");
            md.AppendLine();
            md.AppendLine("| result | watchers | held | connect errors | load average start → end | end | failures |");
            md.AppendLine("|---|---:|---:|---:|---|---|---|");
            foreach (var (runName, run) in runs)
            {
                var rm = run.LiveCommunity!.Metrics;
                string G(string key, string format) => rm.TryGetValue(key, out var v) ? v.ToString(format, Inv) : "–";
                var end = rm.ContainsKey("final.watchersChecked") ? "end check reached" : "stopped early";
                var failures = run.LiveCommunity.Failures.Count == 0 ? "none" : string.Join("; ", run.LiveCommunity.Failures.Take(3)).Replace("|", "/", StringComparison.Ordinal);
                md.AppendLine($"| {runName} | {G("watchersTarget", "N0")} | {G("watchersHeld", "N0")} | {G("connectErrors", "0")} | {G("machine.loadAverageAtStart", "0")} → {G("machine.loadAverageAtEnd", "0")} | {end} | {failures} |");
            }
            md.AppendLine();
        }
        md.AppendLine("| target | measured | met? |");
        md.AppendLine("|---|---|---|");
        md.AppendLine($"| 50,000 watchers held with 0 errors at ≤ 40 KB per connection | {F("watchersHeld", "N0")} held in this run, {F("connectErrors", "0")} errors; " +
            $"{string.Join(", ", instances.Select(i => F("kbPerConnection@" + i, "0.#") + " KB"))} per connection (RSS delta ÷ connections, per instance) | {Yes(M("target.watchersHeld"))} |");
        md.AppendLine($"| a removal on the hot topic reaches all its watchers, p99 ≤ 250 ms | {F("removal.hotWatchersWithEveryRemoval", "N0")} of {F("removal.hotWatchers", "N0")} watchers got all " +
            $"{F("removal.removals", "0")} removals; DELETE-to-ReplyRemoved p50 {F("removal.latencyP50Ms", "0")} ms, p99 {F("removal.latencyP99Ms", "0")} ms, max {F("removal.latencyMaxMs", "0")} ms | {Yes(M("target.removalP99"))} |");
        if (m.ContainsKey("target.resume"))
        {
            md.AppendLine($"| after an instance is killed, every one of its watchers resumes within 30 s, nothing missed or duplicated | {F("kill.victimsResumed", "N0")} of " +
                $"{F("kill.victims", "N0")} resumed elsewhere, the last {F("kill.allResumedSeconds", "0.0")} s after the kill; events missed {F("final.eventsMissed", "0")}, " +
                $"replies missed {F("final.repliesMissed", "0")}, applied twice {F("final.eventsDuplicated", "0")} (over all {F("final.watchersChecked", "N0")} watchers still open) | {Yes(M("target.resume"))} |");
        }
        md.AppendLine();

        md.AppendLine("![bench-cluster-timeline.svg](bench-cluster-timeline.svg)");
        md.AppendLine();
        md.AppendLine("![bench-cluster-latency.svg](bench-cluster-latency.svg)");
        md.AppendLine();
        md.AppendLine("### Per instance");
        md.AppendLine();
        md.AppendLine("| | " + string.Join(" | ", instances) + " |");
        md.AppendLine("|---|" + string.Concat(instances.Select(_ => "---:|")));
        void Row(string label, Func<string, string> cell) => md.AppendLine($"| {label} | " + string.Join(" | ", instances.Select(cell)) + " |");
        Row("watchers held", i => F("watchers@" + i, "N0"));
        Row("RSS before → after connecting (MB)", i => $"{F("rssBeforeMb@" + i, "0")} → {F("rssAfterMb@" + i, "0")}");
        Row("server memory per connection (KB)", i => F("kbPerConnection@" + i, "0.#"));
        Row("open files (fds) while holding them", i => F("openFiles@" + i, "N0"));
        Row("steady: CPU (cores)", i => F("steady.cpuCores@" + i));
        Row("steady: deliveries/s", i => F("steady.deliveriesPerSecond@" + i, "N0"));
        Row("steady: deliveries per CPU-second", i => F("steady.deliveriesPerCore@" + i, "N0"));
        Row("steady: post-to-delivery p50 / p99 (ms)", i => $"{F("steady.postLatencyP50Ms@" + i, "0")} / {F("steady.postLatencyP99Ms@" + i, "0")}");
        Row("reaction storm: post-to-delivery p50 / p99 (ms)", i => $"{F("reactions.postLatencyP50Ms@" + i, "0")} / {F("reactions.postLatencyP99Ms@" + i, "0")}");
        Row("removal-to-delivery p50 / p99 (ms)", i => $"{F("removal.latencyP50Ms@" + i, "0")} / {F("removal.latencyP99Ms@" + i, "0")}");
        Row("after the kill: post-to-delivery p50 / p99 (ms)", i => $"{F("kill.postLatencyP50Ms@" + i, "0")} / {F("kill.postLatencyP99Ms@" + i, "0")}");
        Row("watchers at the kill → after", i => $"{F("kill.watchersBefore@" + i, "N0")} → {F("kill.watchersAfter@" + i, "N0")}");
        Row("open files after the kill", i => F("kill.openFilesAfter@" + i, "N0"));
        md.AppendLine();

        md.AppendLine("### Phases");
        md.AppendLine();
        md.AppendLine("Deliveries are events with a seq (ReplyPosted, ReactionsChanged, ReplyRemoved) received by the watchers; PresenceChanged");
        md.AppendLine("is counted apart. PostgreSQL commits include read-only statements (each is its own transaction): a Watch after a");
        md.AppendLine("reconnect, for instance, reads. Rows written are inserts, updates and deletes (`pg_stat_database`).");
        md.AppendLine();
        var phases = new[] { "steady", "reactions", "removal", "kill" }.Where(ph => m.ContainsKey(ph + ".seconds")).ToList();
        md.AppendLine("| | " + string.Join(" | ", phases) + " |");
        md.AppendLine("|---|" + string.Concat(phases.Select(_ => "---:|")));
        void PhaseRow(string label, string key, string format = "0.##") => md.AppendLine($"| {label} | " + string.Join(" | ", phases.Select(ph => F($"{ph}.{key}", format))) + " |");
        PhaseRow("seconds", "seconds", "0");
        PhaseRow("events (seqs taken)", "events", "N0");
        PhaseRow("deliveries/s", "deliveriesPerSecond", "N0");
        PhaseRow("PresenceChanged deliveries/s", "presencePerSecond", "N0");
        PhaseRow("machine CPU busy (cores)", "machineCpuCores");
        PhaseRow("load generator CPU (cores)", "loadGeneratorCpuCores");
        PhaseRow("Redis CPU (cores)", "redisCpuCores", "0.###");
        PhaseRow("Redis commands/s", "redisOpsPerSecond", "N0");
        PhaseRow("Redis PUBLISH/s", "redisPublishesPerSecond", "N0");
        PhaseRow("Redis PUBLISH per event (PresenceChanged included)", "redisPublishesPerEvent");
        PhaseRow("Redis scripts/s (presence)", "redisScriptsPerSecond", "N0");
        PhaseRow("Redis output (MB/s)", "redisNetOutMbPerSecond");
        PhaseRow("PostgreSQL commits/s", "pgCommitsPerSecond", "N0");
        PhaseRow("PostgreSQL commits per event", "pgCommitsPerEvent");
        PhaseRow("PostgreSQL rows written per event", "pgRowsWrittenPerEvent");
        md.AppendLine();
        md.AppendLine($"Reaction storm: {F("reactions.sent", "N0")} reactions ({F("reactions.perSecond", "0")}/s achieved, {F("reactions.errors", "0")} errors), " +
            $"{Net("reactions", "pgCommitsPerSecond", "reactions.sent")} PostgreSQL commits and {Net("reactions", "pgRowsWrittenPerSecond", "reactions.sent")} rows written per reaction (net of the posting going on); each hot-topic watcher got {F("reactions.eventsPerHotWatcherPerSecond")} ReactionsChanged/s " +
            $"and {F("reactions.hotWatchersWithExactCount", "N0")} of {F("removal.hotWatchers", "N0")} ended with the exact count.");
        md.AppendLine();

        md.AppendLine("### Redis channels (after every watcher joined)");
        md.AppendLine();
        md.AppendLine($"- {F("redis.channels", "N0")} pub/sub channels in all: {F("redis.connectionChannels", "N0")} are one per connection (SignalR's Redis backplane subscribes");
        md.AppendLine($"  each connection's own channel), {F("redis.topicGroupChannels", "N0")} are one per watched topic (its group), with {F("redis.subscribersPerTopicChannel")} subscribers");
        md.AppendLine($"  on average (one per instance that has watchers of the topic; {F("redis.topicGroupSubscriptions", "N0")} subscriptions), and {F("redis.otherChannels", "N0")} others");
        md.AppendLine("  (the backplane's all, group-management, ack and return channels per instance).");
        md.AppendLine($"- {F("redis.clients", "0")} Redis clients, {F("redis.usedMemoryMb")} MB used.");
        md.AppendLine();

        if (m.ContainsKey("kill.victims"))
        {
            md.AppendLine("### Failover");
            md.AppendLine();
            md.AppendLine($"- Killed the instance on port {F("kill.instance", "0")} holding {F("kill.victims", "N0")} watchers; {F("kill.watchersAtKill", "N0")} connected in all at that moment.");
            md.AppendLine($"- The killed process was gone {F("kill.processGoneSeconds", "0.###")} s after SIGKILL. After the kill (seconds; p50 / p99 / max over its watchers, as their");
            md.AppendLine($"  own processes saw it): connection lost {F("kill.lostP50Seconds")} / {F("kill.lostP99Seconds")} / {F("kill.lostMaxSeconds")},");
            md.AppendLine($"  socket open on a survivor {F("kill.socketP50Seconds")} / {F("kill.socketP99Seconds")} / {F("kill.socketMaxSeconds")}, resumed (Watch answered)");
            md.AppendLine($"  {F("kill.resumedP50Seconds")} / {F("kill.resumedP99Seconds")} / {F("kill.resumedMaxSeconds")}.");
            md.AppendLine($"- PostgreSQL: {Net("kill", "pgCommitsPerSecond", "kill.victimsResumed")} commits (reads: each Watch after a reconnect reads the topic and its missed events) per resumed watcher, net of the posting going on.");
            md.AppendLine($"- Posts cut off by the kill (in flight to the dead instance, neither 201 nor known to fail): {F("postsFailedByKill", "0")}; refused: {F("postsRefused", "0")}; accepted {F("postsAccepted", "N0")}.");
            md.AppendLine($"- End check over {F("final.watchersChecked", "N0")} watchers: {F("final.topicEvents", "N0")} events in the topics, missed {F("final.eventsMissed", "0")},");
            md.AppendLine($"  replies missed {F("final.repliesMissed", "0")}, applied twice {F("final.eventsDuplicated", "0")}, resets {F("final.resets", "0")}. Seq repeats dropped by the client");
            md.AppendLine($"  (an event both live and in `missed`, as the protocol allows): {F("final.redeliveriesDropped", "N0")}; live events that arrived after a");
            md.AppendLine($"  higher seq of the same topic (published by different instances): {F("final.outOfOrderArrivals", "N0")}. Events nobody received live (committed by");
            md.AppendLine($"  the killed instance, which died before publishing them) that watchers then asked for, as the SDK does on a gap: {F("final.eventsRecoveredByGapFill", "0")}.");
            md.AppendLine();
        }
        foreach (var f in r.LiveCommunity.Failures)
        {
            md.AppendLine($"- failed: {f}");
        }
        foreach (var note in r.Notes.Concat(r.LiveCommunity.Notes).Where(n => !n.StartsWith("Redis channels:", StringComparison.Ordinal) && n != "no baseline in this run"))
        {
            md.AppendLine($"- note: {note}");
        }
        if (findings is not null && File.Exists(findings))
        {
            md.AppendLine();
            md.Append(File.ReadAllText(findings).TrimEnd());
            md.AppendLine();
        }
        md.AppendLine();
        md.AppendLine("<details><summary>Every metric of this run</summary>");
        md.AppendLine();
        md.AppendLine("| metric | value |");
        md.AppendLine("|---|---:|");
        foreach (var (key, value) in m)
        {
            md.AppendLine($"| {key} | {value.ToString("0.###", Inv)} |");
        }
        md.AppendLine();
        md.AppendLine("</details>");
        md.AppendLine(End);
        Timeline(r, Path.Combine(docsDir, "bench-cluster-timeline.svg"));
        LatencyBars(r, instances, Path.Combine(docsDir, "bench-cluster-latency.svg"));
        return md.ToString();
    }

    /// <summary>Replaces the section in <paramref name="doc"/> (or inserts it before the findings, or at the end).</summary>
    public static string Splice(string doc, string section)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            var after = end + End.Length;
            while (after < doc.Length && doc[after] is '\r' or '\n')
            {
                after++;
            }
            return doc[..begin] + section + Environment.NewLine + doc[after..];
        }
        var findings = doc.IndexOf("## What limited throughput", StringComparison.Ordinal);
        return findings >= 0 ? doc[..findings] + section + Environment.NewLine + doc[findings..] : doc.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
    }

    /// <summary>The section as it stands in <paramref name="doc"/>, or null.</summary>
    public static string? Existing(string doc)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        return begin >= 0 && end > begin ? doc[begin..(end + End.Length)] + Environment.NewLine : null;
    }

    private static string Yes(double met) => met == 1 ? "yes" : "**no**";

    /// <summary>Watchers per instance (left axis) and deliveries/s (right axis) over the run, phases shaded.</summary>
    private static void Timeline(ScenarioResult r, string path)
    {
        var series = r.LiveCommunity!.Series;
        var plot = new Plot();
        var phaseColors = new[] { Colors.Gray, Colors.SteelBlue, Colors.Orange, Colors.Purple, Colors.Red, Colors.Green };
        var k = 0;
        foreach (var (name, points) in series.Where(s => s.Key.StartsWith("phase:", StringComparison.Ordinal)).OrderBy(s => s.Value[0][0]))
        {
            var span = plot.Add.HorizontalSpan(points[0][0], points[0][1]);
            span.FillStyle.Color = phaseColors[k++ % phaseColors.Length].WithAlpha(0.12);
            span.LineStyle.Width = 0;
            var label = plot.Add.Text(name["phase:".Length..], points[0][0], 0);
            label.LabelFontSize = 11;
            label.LabelAlignment = Alignment.LowerLeft;
        }
        foreach (var (name, points) in series.Where(s => s.Key.StartsWith("watchers@", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var line = plot.Add.Scatter(points.Select(pt => pt[0]).ToArray(), points.Select(pt => pt[1]).ToArray());
            line.LegendText = "watchers on " + name["watchers@".Length..];
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        if (series.TryGetValue("deliveriesPerSecond", out var d) && d.Count > 1)
        {
            var line = plot.Add.Scatter(d.Select(pt => pt[0]).ToArray(), d.Select(pt => pt[1]).ToArray());
            line.LegendText = "deliveries/s (all watchers, right axis)";
            line.Axes.YAxis = plot.Axes.Right;
            line.MarkerSize = 0;
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
        }
        plot.Axes.Bottom.Label.Text = "seconds since the start of the run";
        plot.Axes.Left.Label.Text = "watchers connected";
        plot.Axes.Right.Label.Text = "deliveries per second";
        plot.Title("Cluster scale-out: watchers per instance and deliveries over the run");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, 1000, 520);
    }

    /// <summary>p50 and p99 per instance: post-to-delivery (steady, after the kill) and removal-to-delivery.</summary>
    private static void LatencyBars(ScenarioResult r, List<string> instances, string path)
    {
        var m = r.LiveCommunity!.Metrics;
        var plot = new Plot();
        var groups = new[] { ("steady.postLatency", "post"), ("removal.latency", "removal"), ("kill.postLatency", "failover") };
        var ticks = new List<Tick>();
        var p50 = new List<Bar>();
        var p99 = new List<Bar>();
        var x = 0.0;
        foreach (var (prefix, label) in groups)
        {
            foreach (var i in instances)
            {
                if (!m.TryGetValue($"{prefix}P99Ms@{i}", out var v99))
                {
                    continue;
                }
                p50.Add(new Bar { Position = x, Value = m.GetValueOrDefault($"{prefix}P50Ms@{i}"), FillColor = Colors.SteelBlue, Size = 0.4 });
                p99.Add(new Bar { Position = x + 0.4, Value = v99, FillColor = Colors.Orange, Size = 0.4 });
                ticks.Add(new Tick(x + 0.2, $"{label}\n{i}"));
                x += 1.2;
            }
            x += 0.8;
        }
        if (p50.Count == 0)
        {
            return;
        }
        plot.Add.Bars(p50).LegendText = "p50";
        plot.Add.Bars(p99).LegendText = "p99";
        var target = plot.Add.HorizontalLine(250);
        target.LegendText = "250 ms (removal target)";
        target.LinePattern = LinePattern.Dotted;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.Label.Text = "latency (ms)";
        plot.Title("Latency per instance: post (steady), removal, post after the kill");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SaveSvg(path, Math.Max(900, ticks.Count * 100), 500);
    }
}
