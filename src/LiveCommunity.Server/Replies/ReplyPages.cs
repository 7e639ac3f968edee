using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// Pages of visible replies for REST: built once per topic version and shared by every reader (the shared
/// page cache), then the caller's own reactions merged in and muted authors left out of the caller's copy.
/// </summary>
public sealed class ReplyPages(
    CommunityDb db,
    ReactionCounts reactions,
    ITopicVersions versions,
    SharedPages pages,
    MuteService mutes)
{
    /// <summary>
    /// A page of visible replies in thread order (the seq of their posting) either way, or by score (top), with
    /// the caller's own reactions. The topic's lastSeq is read before the page, so Watch(topicId, lastSeq)
    /// afterwards can only repeat, never miss, a change.
    /// </summary>
    public async Task<Outcome<JsonBody<ReplyPage>>> ListAsync(Caller? caller, string topicId, string? order, int? limit, string? cursor, CancellationToken ct, bool featured = false)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        ReplyOrder? sort = order?.ToLowerInvariant() switch
        {
            null or "oldest" => ReplyOrder.Oldest,
            "newest" => ReplyOrder.Newest,
            "top" => ReplyOrder.Top,
            _ => null,
        };
        if (sort is null)
        {
            errors["order"] = ["must be oldest, newest or top"];
        }
        ReplyPosition? after = null;
        if (cursor is not null && sort is { } s)
        {
            after = ReplyPosition.TryDecode(s, cursor, out var position) ? position : null;
            if (after is null)
            {
                errors["cursor"] = ["is not a cursor this server issued"];
            }
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        // The page is the same for every reader at one version of the topic: built once, shared; the caller's
        // own reactions are merged in from one small query on the reactions' key. Keyed by the cursor, which has
        // one spelling per position.
        var version = await versions.TopicAsync(db, topicId, ct);
        var madeUp = false;
        var shared = await pages.GetOrBuildAsync($"replies|{topicId}|{sort}{(featured ? "f" : "")}|{take}|{cursor}", version, async () =>
        {
            // Checked only on a miss, before a page is built for it (ReplyPageQuery.IssuedAsync says why).
            if (after is { } a && !await ReplyPageQuery.IssuedAsync(db, topicId, sort!.Value, a, ct))
            {
                madeUp = true;
                return null;
            }
            var page = await ReadPageAsync(topicId, sort!.Value, featured, take!.Value, after, ct);
            if (page is not null)
            {
                versions.Observed(topicId, page.LastSeq);
            }
            return page;
        });
        if (madeUp)
        {
            return Rejection.Invalid("cursor", "is not a cursor this server issued");
        }
        if (shared is null)
        {
            return Rejection.NotFound("topic not found");
        }
        return await WithMineAsync(caller, shared, ct);
    }

    // The topic's lastSeq is read before the page, so Watch(topicId, lastSeq) afterwards can only repeat, never
    // miss, a change; in top order it is also where the walk began (ReplyPageQuery says why that matters).
    private async Task<ReplyPage?> ReadPageAsync(string topicId, ReplyOrder order, bool featured, int take, ReplyPosition? after, CancellationToken ct)
    {
        var lastSeq = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => (long?)t.LastSeq).FirstOrDefaultAsync(ct);
        if (lastSeq is null)
        {
            return null;
        }
        var rows = await ReplyPageQuery.ReadAsync(db, topicId, order, featured, take + 1, after, ct);
        var page = rows.Take(take).ToList();
        var counts = await reactions.ForAsync(db, page.ConvertAll(r => r.Id), ct);
        var next = rows.Count > take
            ? new ReplyPosition(page[^1].Seq!.Value, page[^1].Score, after?.Since ?? lastSeq.Value).Encode(order)
            : null;
        return new ReplyPage(page.ConvertAll(r => r.AsReply(counts[r.Id]) with { Mine = [] }), next, lastSeq.Value);
    }

    private async Task<JsonBody<ReplyPage>> WithMineAsync(Caller? caller, JsonBody<ReplyPage> shared, CancellationToken ct)
    {
        if (caller is null)
        {
            return shared;
        }
        var items = shared.Value.Items;
        if (items.Count == 0)
        {
            return shared;
        }
        var mine = await reactions.MineInTopicAsync(db, caller, items[0].TopicId, items.Select(r => r.Id).ToList(), ct);
        // Muted authors leave the caller's copy only; nextCursor still names the shared page's last reply, so
        // paging goes on where the shared page ends (a page may come out shorter, never overlapping or skipping).
        var muted = await mutes.MutedAmongAsync(caller, items.Select(r => r.Author.Id).Distinct().ToList(), ct);
        return muted.Count == 0 && mine.Values.All(m => m.Count == 0)
            ? shared
            : shared.With(shared.Value with
            {
                Items = items.Where(r => !muted.Contains(r.Author.Id)).Select(r => r with { Mine = mine[r.Id] }).ToList(),
            });
    }
}
