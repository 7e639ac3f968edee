using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Reactions;

public sealed record ReactionsResult(IReadOnlyDictionary<string, int> Reactions);

/// <summary>Reads reaction counts in the wire shape: every configured kind, zero included.</summary>
public sealed class ReactionCounts(IOptions<ReactionsOptions> options)
{
    public IReadOnlyList<string> Kinds => options.Value.Kinds;

    public bool IsKind(string? kind) => kind is not null && options.Value.Kinds.Contains(kind);

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
