using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Teaser lists (PROTOCOL.md v3 "Articles"): many clients asking <c>GET /api/articles/counts</c> with 100 ids each,
/// in a closed loop. Two phases in one run, the second the first's baseline: every client asking for the same
/// front page (the instance's one-second answer for that list serves nearly all of them), then every request a
/// different random 100 of the articles (each one database round trip). Requests/s, p50/p99 and server CPU per
/// request for each.
/// </summary>
public static class Counts
{
    public sealed record Options(int Clients, int Seconds, int Articles, int WarmupSeconds);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var moderator = await api.TokenAsync("bench-publisher", "moderator", ct);
        var ids = Enumerable.Range(0, o.Articles).Select(i => $"bench-{i:D5}").ToArray();
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, c) =>
        {
            var status = await api.SendAsync(HttpMethod.Put, $"/api/articles/{ids[i]}", moderator.Token,
                new { title = $"Story {i}", url = $"https://news.example/{ids[i]}" }, c);
            if (status is not (200 or 201))
            {
                throw new InvalidOperationException($"PUT /api/articles/{ids[i]} answered {status}");
            }
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, AutomaticDecompression = DecompressionMethods.All })
        { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(30) };
        var frontPage = "/api/articles/counts?ids=" + string.Join(',', ids.Take(100));
        Func<string> sameList = () => frontPage;
        Func<string> randomList = () => "/api/articles/counts?ids=" + string.Join(',', Random.Shared.GetItems(ids, 100).Distinct());

        foreach (var (label, path) in new[] { ("shared", sameList), ("distinct", randomList) })
        {
            await Live.RunAsync($"counts, {label} lists, warming up for {o.WarmupSeconds} s", async () =>
            {
                await ClosedLoopAsync(http, path, o.Clients, o.WarmupSeconds, (_, _) => { }, ct);
                return 0;
            }, () => "");
            var latency = new Latency();
            var errors = new ConcurrentDictionary<int, int>();
            long done = 0;
            var cpu0 = ProcStats.CpuSeconds(host.Pid);
            var clock = Stopwatch.StartNew();
            await Live.RunAsync($"counts, {label} lists, {o.Clients} clients for {o.Seconds} s", async () =>
            {
                await ClosedLoopAsync(http, path, o.Clients, o.Seconds, (status, elapsed) =>
                {
                    latency.Record(elapsed);
                    if (status == 200)
                    {
                        Interlocked.Increment(ref done);
                    }
                    else
                    {
                        errors.AddOrUpdate(status, 1, (_, n) => n + 1);
                    }
                }, ct);
                return 0;
            }, () => $"{Interlocked.Read(ref done)} answers");
            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = ProcStats.CpuSeconds(host.Pid) - cpu0;
            var name = char.ToUpperInvariant(label[0]) + label[1..];
            result.Metrics[$"counts{name}PerSecond"] = Math.Round(done / seconds, 1);
            latency.AddTo(result.Metrics, $"counts{name}Latency");
            result.Metrics[$"counts{name}CpuMsPerRequest"] = done > 0 ? Math.Round(cpu * 1000 / done, 3) : 0;
            result.Metrics[$"counts{name}Errors"] = errors.Values.Sum();
            foreach (var (status, count) in errors)
            {
                // Overload is answered 503/429 by design; anything else is a failure.
                (status is 429 or 503 ? result.Notes : result.Failures).Add(
                    string.Create(CultureInfo.InvariantCulture, $"counts {label}: {count} answered {status}"));
            }
        }
        return result;
    }

    /// <summary>Clients in flight, each asking again as soon as it has its answer, for a set time.</summary>
    private static Task ClosedLoopAsync(HttpClient http, Func<string> path, int clients, int seconds, Action<int, TimeSpan> record, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        return Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = ct }, async (_, c) =>
        {
            while (DateTime.UtcNow < until)
            {
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using var response = await http.GetAsync(path(), HttpCompletionOption.ResponseContentRead, c);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                record(status, Stopwatch.GetElapsedTime(started));
            }
        });
    }
}
