using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Sets or clears one user's reaction of one kind on a topic or a reply. The row changes here; the count and
/// its ReactionsChanged are the batch's (<see cref="ReactionTally"/>): one event per target per batch, or owed
/// until the target's coalescing window ends.
/// </summary>
internal sealed class SetReactionCommand(Caller caller, string topicId, string? replyId, string kind, bool on, ReactionCounts counts)
    : WriteCommand<ReactionsResult>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    private readonly string _targetId = replyId ?? topicId;

    public override bool MayWaitForBatch => true; // its count goes out once per window anyway

    public override async Task<Outcome<ReactionsResult>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var db = write.Db;
        if (write.Topic is null)
        {
            return Rejection.NotFound("topic not found");
        }
        if (replyId is not null && !await IsPublished.For(db)(db, replyId, topicId))
        {
            return Rejection.NotFound("reply not found");
        }
        var changed = on
            ? await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Reactions" ("TargetId", "UserId", "Kind", "TopicId", "CreatedAt")
                VALUES ({_targetId}, {caller.Id}, {kind}, {topicId}, {write.Now})
                ON CONFLICT DO NOTHING
                """, ct)
            : await db.Database.ExecuteSqlAsync($"""
                DELETE FROM "Reactions" WHERE "TargetId" = {_targetId} AND "UserId" = {caller.Id} AND "Kind" = {kind}
                """, ct);
        if (changed > 0)
        {
            await write.Reactions.ChangeAsync(topicId, replyId, kind, on ? 1 : -1, ct);
        }
        var mine = new List<string>(2);
        await foreach (var set in Mine.For(db)(db, _targetId, caller.Id))
        {
            if (counts.IsKind(set))
            {
                mine.Add(set);
            }
        }
        return new ReactionsResult(await write.Reactions.CountsAsync(topicId, replyId, ct), counts.InKindOrder(mine));
    }

    // Compiled once: in a reaction storm these two run for every command, and building their SQL each time
    // cost more CPU than running them (profiled).
    private static readonly CompiledQuery<Func<CommunityDb, string, string, Task<bool>>> IsPublished = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string replyId, string topicId) =>
            db.Replies.Any(r => r.Id == replyId && r.TopicId == topicId && r.State == ReplyState.Published)));

    private static readonly CompiledQuery<Func<CommunityDb, string, string, IAsyncEnumerable<string>>> Mine = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string targetId, string userId) =>
            db.Reactions.Where(r => r.TargetId == targetId && r.UserId == userId).Select(r => r.Kind)));
}
