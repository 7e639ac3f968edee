using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Sets or clears one user's reaction on a topic or reply. The counts change at once and the caller gets
/// them back; the broadcast is left to <see cref="ReactionBroadcaster"/>, which coalesces bursts.
/// </summary>
public sealed class ReactionService(CommunityDb db, ReactionCounts counts, ReactionBroadcaster broadcaster, TimeProvider time)
{
    /// <param name="topicId">The topic; null when only the reply is known (REST /replies/{id}/reactions).</param>
    /// <param name="replyId">The reply, or null to react to the topic itself.</param>
    public async Task<Outcome<ReactionsResult>> SetAsync(
        Caller? caller, string? topicId, string? replyId, string? kind, bool on, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to react");
        }
        if (!counts.IsKind(kind))
        {
            return Rejection.Invalid("kind", $"must be one of {string.Join(", ", counts.Kinds)}");
        }

        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        if (replyId is not null)
        {
            var reply = await db.Replies.AsNoTracking()
                .Where(r => r.Id == replyId && !r.Removed)
                .Select(r => new { r.TopicId })
                .FirstOrDefaultAsync(ct);
            if (reply is null || (topicId is not null && reply.TopicId != topicId))
            {
                return Rejection.NotFound("reply not found");
            }
            topicId = reply.TopicId;
        }
        else if (topicId is null || !await db.Topics.AnyAsync(t => t.Id == topicId, ct))
        {
            return Rejection.NotFound("topic not found");
        }

        var targetId = replyId ?? topicId!;
        var changed = on
            ? await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Reactions" ("TargetId", "UserId", "Kind", "TopicId", "CreatedAt")
                VALUES ({targetId}, {caller.Id}, {kind}, {topicId}, {write.Now})
                ON CONFLICT DO NOTHING
                """, ct)
            : await db.Database.ExecuteSqlAsync($"""
                DELETE FROM "Reactions" WHERE "TargetId" = {targetId} AND "UserId" = {caller.Id} AND "Kind" = {kind}
                """, ct);
        if (changed > 0)
        {
            var delta = on ? 1 : -1;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "ReactionCounts" ("TargetId", "Kind", "Count") VALUES ({targetId}, {kind}, {delta})
                ON CONFLICT ("TargetId", "Kind") DO UPDATE SET "Count" = "ReactionCounts"."Count" + {delta}
                """, ct);
        }
        var result = await counts.ForAsync(db, targetId, ct);
        await write.CommitAsync(ct);
        if (changed > 0)
        {
            broadcaster.Changed(topicId!, replyId);
        }
        return new ReactionsResult(result);
    }
}
