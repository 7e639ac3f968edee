using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Storage;

/// <summary>What reaction calls answer: the target's counts and the kinds the caller has set on it.</summary>
public sealed record ReactionsResult(IReadOnlyDictionary<string, int> Reactions, IReadOnlyList<string> Mine);

/// <summary>Reads reaction counts in the wire shape (every configured kind, zero included) and a caller's own reactions.</summary>
public sealed class ReactionCounts(IOptions<ReactionsOptions> options)
{
    public IReadOnlyList<string> Kinds => options.Value.Kinds;

    /// <summary>A reply's score (?order=top) from its counts, by the configured weights.</summary>
    public long ScoreOf(IReadOnlyDictionary<string, int> counts) => options.Value.ScoreOf(counts);

    public bool IsKind(string? kind) => kind is not null && options.Value.Kinds.Contains(kind);

    /// <summary>The counts of a target nobody has reacted to yet.</summary>
    public IReadOnlyDictionary<string, int> Zero() => Kinds.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);

    /// <summary>
    /// For each target, the configured kinds <paramref name="caller"/> has set on it (empty for everyone when
    /// anonymous): one indexed query on the reactions' key.
    /// </summary>
    public async Task<Dictionary<string, IReadOnlyList<string>>> MineAsync(
        CommunityDb db, Caller? caller, IReadOnlyCollection<string> targetIds, CancellationToken ct = default)
    {
        var result = targetIds.Distinct().ToDictionary(id => id, _ => (IReadOnlyList<string>)[], StringComparer.Ordinal);
        if (caller is null || targetIds.Count == 0)
        {
            return result;
        }
        var rows = await db.Reactions.AsNoTracking()
            .Where(r => targetIds.Contains(r.TargetId) && r.UserId == caller.Id)
            .Select(r => new { r.TargetId, r.Kind })
            .ToListAsync(ct);
        foreach (var group in rows.Where(r => IsKind(r.Kind)).GroupBy(r => r.TargetId))
        {
            result[group.Key] = [.. group.Select(r => r.Kind).OrderBy(k => IndexOf(k))];
        }
        return result;
    }

    /// <summary>
    /// "mine" for a page of one topic: the caller's reactions in that topic, read with one short range of the
    /// (UserId, TopicId) index, whatever the page's size.
    /// </summary>
    public async Task<Dictionary<string, IReadOnlyList<string>>> MineInTopicAsync(
        CommunityDb db, Caller caller, string topicId, IReadOnlyCollection<string> targetIds, CancellationToken ct = default)
    {
        var result = targetIds.Distinct().ToDictionary(id => id, _ => (IReadOnlyList<string>)[], StringComparer.Ordinal);
        var rows = new List<(string TargetId, string Kind)>();
        await foreach (var row in MineInTopic.For(db)(db, caller.Id, topicId).WithCancellation(ct))
        {
            if (result.ContainsKey(row.TargetId) && IsKind(row.Kind))
            {
                rows.Add((row.TargetId, row.Kind));
            }
        }
        foreach (var group in rows.GroupBy(r => r.TargetId))
        {
            result[group.Key] = InKindOrder(group.Select(r => r.Kind).ToList());
        }
        return result;
    }

    private static readonly CompiledQuery<Func<CommunityDb, string, string, IAsyncEnumerable<ReactionEntity>>> MineInTopic = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string userId, string topicId) => db.Reactions.AsNoTracking().Where(r => r.UserId == userId && r.TopicId == topicId)));

    /// <summary>Kinds in configuration order, so "mine" lists them the way the counts do.</summary>
    public IReadOnlyList<string> InKindOrder(List<string> kinds)
    {
        kinds.Sort((a, b) => IndexOf(a).CompareTo(IndexOf(b)));
        return kinds;
    }

    private int IndexOf(string kind)
    {
        for (var i = 0; i < Kinds.Count; i++)
        {
            if (Kinds[i] == kind)
            {
                return i;
            }
        }
        return int.MaxValue;
    }

    public async Task<IReadOnlyDictionary<string, int>> ForAsync(CommunityDb db, string targetId, CancellationToken ct = default)
    {
        var all = await ForAsync(db, [targetId], ct);
        return all[targetId];
    }

    public async Task<Dictionary<string, IReadOnlyDictionary<string, int>>> ForAsync(
        CommunityDb db, IReadOnlyCollection<string> targetIds, CancellationToken ct = default)
    {
        var rows = targetIds.Count == 0
            ? []
            : await db.ReactionCounts.AsNoTracking()
                .Where(c => targetIds.Contains(c.TargetId))
                .Select(c => new { c.TargetId, c.Kind, c.Count })
                .ToListAsync(ct);
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(targetIds.Count);
        foreach (var id in targetIds)
        {
            var counts = new Dictionary<string, int>(Kinds.Count);
            foreach (var kind in Kinds)
            {
                counts[kind] = 0;
            }
            result[id] = counts;
        }
        foreach (var row in rows)
        {
            // Counts of a kind no longer configured stay stored but are not shown.
            if (result[row.TargetId] is Dictionary<string, int> counts && counts.ContainsKey(row.Kind))
            {
                counts[row.Kind] = row.Count;
            }
        }
        return result;
    }
}
