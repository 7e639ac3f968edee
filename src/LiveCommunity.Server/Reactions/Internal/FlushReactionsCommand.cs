using LiveCommunity.Server.Common;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Reactions.Internal;

/// <summary>
/// Sends the ReactionsChanged a target's counts still owe (<see cref="Storage.PendingReactionEventEntity"/>): at
/// the end of its coalescing window, or from the recovery sweep after a crash. The pending row is taken in the
/// batch's transaction, so of two instances flushing one target only one sends; a target that got its event
/// meanwhile has no row and gets nothing more.
/// </summary>
internal sealed class FlushReactionsCommand(string topicId, string targetId) : WriteCommand<bool>
{
    public override string? TopicId => topicId;

    public override Auth.Caller? Writer => null;

    /// <summary>The reply, or the topic itself: what its window owes an event for.</summary>
    public string TargetId => targetId;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var taken = await write.Db.Database.ExecuteSqlAsync(
            $"""DELETE FROM "PendingReactionEvents" WHERE "TargetId" = {targetId}""", ct);
        if (taken == 0 || write.Topic is null)
        {
            return false;
        }
        await write.Reactions.OweEventAsync(topicId, targetId == topicId ? null : targetId, ct);
        return true;
    }
}
