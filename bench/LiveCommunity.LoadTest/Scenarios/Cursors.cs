using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Issue 18's hostile reader: anonymous requests with made-up paging cursors against large pages (many topics
/// with long bodies). Every made-up position builds a full page that must be answered but never kept, so the
/// server's resident memory may grow only by what the GC leaves as headroom. First the same issued cursor many
/// times (what any reader costs: one kept page), then as many made-up ones; RSS after each, settled.
/// </summary>
public static class Cursors
{
    public sealed record Options(int Topics, int BodyChars, int Requests, int InFlight);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        using var api = new Api(host.Url);
        var moderator = (await api.TokenAsync("cursor-moderator", "moderator", ct)).Token;
        var body = new string('c', o.BodyChars);
        await Parallel.ForAsync(0, o.Topics, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, c) =>
        {
            var status = await api.SendAsync(HttpMethod.Post, "/api/topics", moderator, new { title = $"Long story {i}", body }, c);
            if (status != 201)
            {
                throw new InvalidOperationException($"creating topic {i} answered {status}");
            }
        });
        var limit = Math.Min(o.Topics, 100);
        var firstPage = $"/api/topics?limit={limit}";
        var issued = (string?)(await api.GetAsync(firstPage, ct))?["nextCursor"];
        var same = issued is null ? firstPage : $"{firstPage}&cursor={issued}";

        var rss0 = await SettledRssAsync(host, ct);
        var sameStatuses = new Dictionary<int, int>();
        await ReadAllAsync(host.Url, o, _ => same, sameStatuses, ct);
        var rssSame = await SettledRssAsync(host, ct);
        // Positions after every topic (a day ahead), each a different made-up id: every one a full first page.
        var ahead = DateTime.UtcNow.AddDays(1);
        var madeUpStatuses = new Dictionary<int, int>();
        await ReadAllAsync(host.Url, o, i => $"{firstPage}&cursor={TimeAndId(ahead.AddSeconds(i), "made-up-" + i)}", madeUpStatuses, ct);
        var rssMadeUp = await SettledRssAsync(host, ct);

        result.Metrics["pageKb"] = Math.Round(limit * o.BodyChars / 1024.0, 0);
        result.Metrics["rssStartMb"] = rss0;
        result.Metrics["rssAfterSameCursorMb"] = rssSame;
        result.Metrics["rssAfterMadeUpCursorsMb"] = rssMadeUp;
        result.Metrics["growthSameCursorMb"] = Math.Round(rssSame - rss0, 1);
        result.Metrics["growthMadeUpCursorsMb"] = Math.Round(rssMadeUp - rssSame, 1);
        foreach (var (status, n) in sameStatuses)
        {
            result.Metrics[$"sameCursorStatus{status}"] = n;
        }
        foreach (var (status, n) in madeUpStatuses)
        {
            result.Metrics[$"madeUpCursorStatus{status}"] = n;
        }
        if (sameStatuses.Keys.Any(s => s != 200))
        {
            result.Failures.Add("an issued cursor was not answered 200: " + string.Join(", ", sameStatuses.Select(s => $"{s.Key}×{s.Value}")));
        }
        // A made-up cursor may be answered (a page nobody keeps) or refused (400); anything else is a failure.
        if (madeUpStatuses.Keys.Any(s => s is not (200 or 400)))
        {
            result.Failures.Add("a made-up cursor got neither a page nor a 400: " + string.Join(", ", madeUpStatuses.Select(s => $"{s.Key}×{s.Value}")));
        }
        return result;
    }

    private static async Task ReadAllAsync(string baseUrl, Options o, Func<int, string> path, Dictionary<int, int> statuses, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForAsync(0, o.Requests, new ParallelOptions { MaxDegreeOfParallelism = o.InFlight, CancellationToken = ct }, async (i, c) =>
        {
            using var response = await http.GetAsync(new Uri(path(i), UriKind.Relative), HttpCompletionOption.ResponseContentRead, c);
            lock (statuses)
            {
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            }
        });
    }

    // What the server issues for (time, id) positions: base64url of "ticks|id" (docs/protocol.md, paging).
    private static string TimeAndId(DateTime at, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(at.Ticks.ToString(CultureInfo.InvariantCulture) + "|" + id));

    /// <summary>RSS once the server has been left alone for a few seconds (background GC, trimmed pools).</summary>
    private static async Task<double> SettledRssAsync(TargetHost host, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        return Math.Round(ProcStats.RssKb(host.Pid) / 1024.0, 1);
    }
}
