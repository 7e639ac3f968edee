using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>The reaction counts of a batch, stored once before its commit (BatchRunner's last step before it).</summary>
internal static class BatchReactions
{
    /// <summary>
    /// Stores what the batch did to reaction counts and, in this same transaction, either appends one
    /// ReactionsChanged (absolute counts) per changed target, or, for a target whose last event is younger than
    /// the coalescing window, records the event as owed (a PendingReactionEvents row) for the queue to send when
    /// the window ends: no stored change is ever without its event, even after a crash. A reply that is no longer
    /// published gets no event (its removal is the event that describes it).
    /// </summary>
    public static async Task StoreAsync(Batch batch, IReactionWindows windows, CancellationToken ct)
    {
        var changed = batch.Reactions.Changed().ToList();
        if (changed.Count == 0)
        {
            return;
        }
        var db = batch.Db;
        foreach (var target in changed)
        {
            foreach (var (kind, delta) in target.Delta)
            {
                if (delta != 0)
                {
                    await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO "ReactionCounts" ("TargetId", "Kind", "Count") VALUES ({target.Id}, {kind}, {delta})
                        ON CONFLICT ("TargetId", "Kind") DO UPDATE SET "Count" = "ReactionCounts"."Count" + {delta}
                        """, ct);
                }
            }
        }
        var replyIds = changed.Where(t => t.ReplyId is not null).Select(t => t.ReplyId!).ToList();
        var published = replyIds.Count == 0
            ? []
            : (await db.Replies.AsNoTracking().Where(r => replyIds.Contains(r.Id) && r.State == ReplyState.Published)
                .Select(r => r.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var target in changed)
        {
            var visible = target.ReplyId is null || published.Contains(target.ReplyId);
            if (visible && !windows.MayEmit(target.Id))
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "PendingReactionEvents" ("TargetId", "TopicId", "ReplyId", "Since")
                    VALUES ({target.Id}, {target.TopicId}, {target.ReplyId}, {batch.Now}) ON CONFLICT DO NOTHING
                    """, ct);
                batch.OweReactionEvent(target.Id);
                continue;
            }
            // An owed event that no flush has taken is settled by this one (or by the removal of its reply).
            if (windows.IsOwed(target.Id))
            {
                await db.Database.ExecuteSqlAsync($"""DELETE FROM "PendingReactionEvents" WHERE "TargetId" = {target.Id}""", ct);
            }
            if (visible)
            {
                batch.Append(seq => new ReactionsChangedEvent(target.TopicId, seq, target.ReplyId, target.Current()));
            }
        }
    }
}
