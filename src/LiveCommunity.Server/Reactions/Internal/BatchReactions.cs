using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Reactions.Internal;

/// <summary>The reaction counts of a batch, stored once before its commit (the tally's part of the batch).</summary>
internal static class BatchReactions
{
    /// <summary>
    /// Stores what the batch did to reaction counts and, in this same transaction, either appends one
    /// ReactionsChanged (absolute counts) per changed target, or, for a target whose last event is younger than
    /// the coalescing window, records the event as owed (a PendingReactionEvents row) for the queue to send when
    /// the window ends: no stored change is ever without its event, even after a crash. A reply that is no longer
    /// published gets no event (its removal is the event that describes it).
    /// </summary>
    public static async Task StoreAsync(ReactionTally tally, ReactionWindows windows, WriteContext batch, CancellationToken ct)
    {
        var changed = tally.Changed().ToList();
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
            await StoreScoreAsync(tally, batch, target, ct);
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
                tally.Owe(target);
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
                tally.Emitted(target.Id);
            }
        }
    }

    /// <summary>
    /// A reply's score follows its counts in the same transaction, computed whole from them (so a reply whose
    /// score went stale heals with its next reaction). ScoreSeq is the topic's next seq: above the lastSeq any
    /// reader saw before this commits, which is what lets a top-order walk leave a moved reply out.
    /// </summary>
    private static async Task StoreScoreAsync(ReactionTally tally, WriteContext batch, ReactionTally.Target target, CancellationToken ct)
    {
        if (target.ReplyId is null || target.Delta.Values.All(d => d == 0))
        {
            return;
        }
        var score = tally.ScoreOf(target);
        var next = (batch.Topic?.LastSeq ?? 0) + 1;
        await batch.Db.Database.ExecuteSqlAsync($"""
            UPDATE "Replies" SET "Score" = {score}, "ScoreSeq" = {next} WHERE "Id" = {target.ReplyId} AND "Score" <> {score}
            """, ct);
    }
}
