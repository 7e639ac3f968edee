using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// A reader reports a reply: it enters the reported queue and stays visible until enough distinct readers with
/// standing report it (Moderation:HideAfterReports, MinReporterAge); then it is hidden (readers get
/// ReplyRemoved, its text is scrubbed from the log) until a moderator decides. Replies of staff (moderators,
/// admins, journalists, by the role last seen in their token) are never hidden this way. Reporting the same
/// reply again changes nothing, also after a moderator dismissed the report by approving the reply.
/// </summary>
internal sealed class ReportReplyCommand(
    Caller caller, string topicId, string replyId, string reason, string? note, ModerationOptions rules, QueueNotifier queue) : WriteCommand<ReportResult>
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
        var counts = await HasStandingAsync(db, write.Now, ct);
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Reports" ("ReplyId", "ReporterId", "Reason", "Note", "At", "Counts")
            VALUES ({replyId}, {caller.Id}, {reason}, {note}, {write.Now}, {counts})
            ON CONFLICT DO NOTHING
            """, ct);
        if (added == 0)
        {
            return new ReportResult(true); // reported before (perhaps dismissed since): a no-op
        }
        reply.ReportCount++;
        if (reply.QueueState is null)
        {
            reply.QueueState = QueueStates.Reported;
            reply.QueuedAt = write.Now;
        }
        if (counts && await HidesAsync(db, reply, ct))
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

    // Standing: staff, or a published reply (not removed, not held) at least MinReporterAge old. The server
    // keeps no accounts; a reply that survived moderation that long is what a sockpuppet made for the
    // occasion does not have.
    private async Task<bool> HasStandingAsync(CommunityDb db, DateTime now, CancellationToken ct)
    {
        if (rules.MinReporterAge <= TimeSpan.Zero || caller.IsModerator || caller.Role == Roles.Journalist)
        {
            return true;
        }
        var since = now - rules.MinReporterAge;
        return await db.Replies.AsNoTracking()
            .AnyAsync(r => r.AuthorId == caller.Id && r.State == ReplyState.Published && r.CreatedAt <= since, ct);
    }

    private async Task<bool> HidesAsync(CommunityDb db, ReplyEntity reply, CancellationToken ct)
    {
        if (rules.HideAfterReports <= 0)
        {
            return false;
        }
        var counted = await db.Reports.AsNoTracking().CountAsync(r => r.ReplyId == reply.Id && r.Counts && r.DismissedAt == null, ct);
        if (counted < rules.HideAfterReports)
        {
            return false;
        }
        var authorRole = await db.Users.AsNoTracking().Where(u => u.Id == reply.AuthorId).Select(u => u.Role).FirstOrDefaultAsync(ct);
        return authorRole is null || !Roles.IsStaff(authorRole);
    }
}
