using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// A reader reports a reply: it enters the reported queue and stays visible until enough distinct readers
/// report it (Moderation:HideAfterReports); then it is hidden (readers get ReplyRemoved, its text is scrubbed
/// from the log) until a moderator decides. Reporting the same reply again changes nothing.
/// </summary>
internal sealed class ReportReplyCommand(
    Caller caller, string topicId, string replyId, string reason, string? note, int hideAfter, QueueNotifier queue) : WriteCommand<ReportResult>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<ReportResult>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var db = write.Db;
        var reply = await db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topicId, ct);
        if (reply is null || write.Topic is not { } topic || reply.State != ReplyState.Published)
        {
            return Rejection.NotFound("reply not found");
        }
        if (reply.AuthorId == caller.Id)
        {
            return Rejection.Conflict("you cannot report your own reply");
        }
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Reports" ("ReplyId", "ReporterId", "Reason", "Note", "At")
            VALUES ({replyId}, {caller.Id}, {reason}, {note}, {write.Now})
            ON CONFLICT DO NOTHING
            """, ct);
        if (added == 0)
        {
            return new ReportResult(true); // reported before: a no-op
        }
        reply.ReportCount++;
        if (reply.QueueState is null)
        {
            reply.QueueState = QueueStates.Reported;
            reply.QueuedAt = write.Now;
        }
        if (hideAfter > 0 && reply.ReportCount >= hideAfter)
        {
            // Hidden pending review: for readers exactly like a removal, until a moderator approves it.
            reply.State = ReplyState.Hidden;
            topic.ReplyCount--;
            await EventLog.ScrubReplyAsync(db, topic.Id, reply.Id, ct);
            write.Append(seq => new ReplyRemovedEvent(topic.Id, seq, reply.Id));
            write.Audit(AutoModeration.Caller, ModerationActions.Hide, reply.Id, $"hidden after {reply.ReportCount} reports");
        }
        write.AfterCommit(() => queue.Changed(reply.Id, topic.Id, QueueStates.Reported));
        return new ReportResult(true);
    }
}

/// <summary>Who the moderation log names for what the rules did by themselves (an automatic hide).</summary>
public static class AutoModeration
{
    public static readonly Caller Caller = new("livecommunity", "Automatic moderation", Roles.Admin);
}
