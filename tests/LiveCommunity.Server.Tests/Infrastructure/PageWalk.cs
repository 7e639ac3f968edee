using System.Net;

namespace LiveCommunity.Server.Tests.Infrastructure;

public static class PageWalk
{
    /// <summary>Follows nextCursor from <paramref name="url"/> (which already has a query) to the end; <paramref name="field"/> of every item.</summary>
    public static async Task<List<string>> AllAsync(HttpClient http, string url, string field)
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await http.GetAsync(url + (cursor is null ? "" : "&cursor=" + cursor))).ReadAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(r => (string)r![field]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return seen;
    }
}
