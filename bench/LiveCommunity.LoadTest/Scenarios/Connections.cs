namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// N idle websocket connections, each watching one topic, spread over several server ports so the client's
/// ephemeral ports (about 28k per destination) do not run out. Server memory is VmRSS of the server process
/// before and after, divided by the connections held.
/// </summary>
public static class Connections
{
    public sealed record Options(int Connections, int Topics, int Hold);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-moderator", "moderator", ct);
        var topics = new List<string>();
        for (var t = 0; t < o.Topics; t++)
        {
            topics.Add(await api.CreateTopicAsync(moderator.Token, $"Idle topic {t}", ct));
        }
        // Warm up (JIT, pools) with one connection so "before" is the steady empty server.
        var warm = Watcher.Create(host.Url, topics[0], null);
        await warm.StartAsync(ct);
        await warm.Connection.DisposeAsync();
        GC.Collect();
        await Task.Delay(1000, ct);
        var rssBefore = ProcStats.RssKb(host.Pid);
        var series = new List<double[]> { new double[] { 0, rssBefore / 1024.0 } };
        result.Series["serverRssMbByConnections"] = series;

        var all = new List<Watcher>();
        var errors = 0;
        var start = DateTime.UtcNow;
        var step = Math.Max(1, o.Connections / 10);
        try
        {
            await Live.RunAsync($"opening {o.Connections} connections", async () =>
            {
                for (var opened = 0; opened < o.Connections; opened += step)
                {
                    var n = Math.Min(step, o.Connections - opened);
                    var first = opened;
                    var (open, failed) = await Runner.OpenWatchersAsync(n,
                        i => Watcher.Create(host.Urls[(first + i) % host.Urls.Length], topics[(first + i) % topics.Count], null), 100, ct);
                    all.AddRange(open);
                    errors += failed;
                    series.Add([all.Count, ProcStats.RssKb(host.Pid) / 1024.0]);
                    if (DateTime.UtcNow - start > TimeSpan.FromMinutes(5))
                    {
                        result.Notes.Add("stopped opening after 5 minutes");
                        break;
                    }
                }
                return 0;
            }, () => $"{all.Count} open, {errors} errors, server {ProcStats.RssKb(host.Pid) / 1024} MB");
            var openSeconds = (DateTime.UtcNow - start).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(o.Hold), ct);
            var held = all.Count(w => w.Connection.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
            var rssAfter = ProcStats.RssKb(host.Pid);
            result.Metrics["connectionsHeld"] = held;
            result.Metrics["errors"] = errors + (all.Count - held);
            result.Metrics["openPerSecond"] = Math.Round(all.Count / openSeconds, 1);
            result.Metrics["serverRssBeforeMb"] = Math.Round(rssBefore / 1024.0, 1);
            result.Metrics["serverRssAfterMb"] = Math.Round(rssAfter / 1024.0, 1);
            result.Metrics["serverKbPerConnection"] = held > 0 ? Math.Round((rssAfter - rssBefore) / (double)held, 2) : 0;
            result.Metrics["clientRssMb"] = Math.Round(Environment.WorkingSet / 1048576.0, 1);
            if (held < o.Connections)
            {
                result.Failures.Add($"held {held} of {o.Connections} connections ({errors} failed to open)");
            }
        }
        finally
        {
            // Kill the server first: closing tens of thousands of connections one by one is slow and measures nothing.
            await host.DisposeAsync();
            await Runner.CloseAsync(all);
        }
        return result;
    }
}
