using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace LiveCommunity.Server.Articles;

public sealed record ArticleCount(string TopicId, int ReplyCount, IReadOnlyDictionary<string, int> Reactions, int Watchers);

public sealed record ArticleCountsResult(IReadOnlyDictionary<string, ArticleCount> Items);

/// <summary>
/// Counts for article lists (PROTOCOL.md v3): every asked article's topic with its reaction counts in one query
/// (a left join), watchers from presence. Teaser lists are the hottest read a news site makes and may be a few
/// seconds stale (the answer is public for <see cref="MaxAge"/>), so one answer per id list is kept for a second
/// on this instance too: a front page seen by thousands costs one query a second.
/// </summary>
public sealed class ArticleCounts(ReactionCounts reactions, IPresence presence) : IDisposable
{
    public const int MaxIds = 100;
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Kept = TimeSpan.FromSeconds(1);

    // Sized by the articles the kept answers hold (a few hundred bytes each), not by answers: made-up id lists are
    // free to send, and 10,000 answers of 100 articles would have been hundreds of MB. 20,000 articles: ~10 MB.
    private readonly MemoryCache _recent = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    /// <summary>The ids of <c>?ids=a,b,c</c>, or what is wrong with them.</summary>
    public static Outcome<List<string>> Parse(string? ids)
    {
        var list = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            return Rejection.Invalid("ids", "must list at least one article id");
        }
        if (list.Count > MaxIds)
        {
            return Rejection.Invalid("ids", $"must list at most {MaxIds} article ids");
        }
        return list.FirstOrDefault(id => ArticleRules.ArticleIdProblem(id) is not null) is { } bad
            ? Rejection.Invalid("ids", $"'{(bad.Length > 40 ? bad[..40] + "…" : bad)}': {ArticleRules.ArticleIdProblem(bad)}")
            : list;
    }

    public async Task<ArticleCountsResult> ForAsync(CommunityDb db, List<string> articleIds, CancellationToken ct)
    {
        var key = string.Join(',', articleIds);
        if (_recent.TryGetValue(key, out ArticleCountsResult? cached) && cached is not null)
        {
            return cached;
        }
        var rows = await (
            from t in db.Topics.AsNoTracking()
            where t.ArticleId != null && articleIds.Contains(t.ArticleId)
            from c in db.ReactionCounts.Where(c => c.TargetId == t.Id).DefaultIfEmpty()
            select new { ArticleId = t.ArticleId!, t.Id, t.ReplyCount, Kind = c == null ? null : c.Kind, Count = c == null ? 0 : c.Count })
            .ToListAsync(ct);
        // Presence may be Redis: ask for every topic at once (pipelined), not one after another.
        var counted = await Task.WhenAll(rows.GroupBy(r => r.ArticleId).Select(async topic =>
        {
            var first = topic.First();
            var counts = reactions.Zero().ToDictionary();
            foreach (var row in topic.Where(r => r.Kind is not null && counts.ContainsKey(r.Kind)))
            {
                counts[row.Kind!] = row.Count;
            }
            return (topic.Key, Count: new ArticleCount(first.Id, first.ReplyCount, counts, await presence.CountAsync(first.Id)));
        }));
        var result = new ArticleCountsResult(counted.ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal));
        _recent.Set(key, result, new MemoryCacheEntryOptions { Size = 1 + result.Items.Count, AbsoluteExpirationRelativeToNow = Kept });
        return result;
    }

    public void Dispose() => _recent.Dispose();
}
