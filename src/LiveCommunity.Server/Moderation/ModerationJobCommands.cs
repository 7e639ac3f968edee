using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// One step of a job in one topic: removes (or erases) up to <paramref name="max"/> of the user's replies there,
/// each with its own seq, ReplyRemoved and log entry, like a moderator acting on them one by one. Answers how
/// many it handled; a reply already removed (or erased) is not handled again, so a step done twice is harmless.
/// </summary>
internal sealed class UserRepliesStepCommand(string topicId, string userId, Caller moderator, string? reason, int max, bool erase, QueueNotifier queue, Notifier notifier)
    : WriteCommand<int>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => null;

    public override async Task<Outcome<int>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var replies = write.Db.Replies.Where(r => r.TopicId == topicId && r.AuthorId == userId);
        var step = await (erase ? replies.Where(r => !r.Erased) : replies.Where(r => r.State != ReplyState.Removed))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Take(max)
            .ToListAsync(ct);
        foreach (var reply in step)
        {
            if (erase)
            {
                await EraseReplyCommand.Erase(write, reply, moderator, reason, queue, notifier, ct);
                continue;
            }
            if (await RemoveReplyCommand.Remove(write, reply, moderator, reason, notifier, ct))
            {
                write.AfterCommit(() => queue.Changed(reply.Id, reply.TopicId, QueueStates.Rejected));
            }
            write.Audit(moderator, ModerationActions.Remove, reply.Id, reason);
        }
        return step.Count;
    }
}

/// <summary>Takes (or renews) a job's lease: true when this instance may work on it until <paramref name="until"/>.</summary>
internal sealed class LeaseJobCommand(string jobId, DateTime until, bool renew) : WriteCommand<bool>
{
    public override string? TopicId => null;

    public override Caller? Writer => null;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var now = write.Now;
        var taken = await write.Db.ModerationJobs
            .Where(j => j.Id == jobId && j.CompletedAt == null && (renew || j.LeasedUntil == null || j.LeasedUntil < now))
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeasedUntil, until), ct);
        return taken == 1;
    }
}

internal sealed class CompleteJobCommand(string jobId) : WriteCommand<bool>
{
    public override string? TopicId => null;

    public override Caller? Writer => null;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var now = write.Now;
        await write.Db.ModerationJobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.CompletedAt, now).SetProperty(j => j.LeasedUntil, (DateTime?)null), ct);
        return true;
    }
}
