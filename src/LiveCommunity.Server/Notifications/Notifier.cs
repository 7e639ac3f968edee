using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Notifications;

/// <summary>
/// The write side of notifications: commands call it inside their batch transaction, so a notification exists
/// exactly when the act that causes it committed, and a removal takes its unread ones along in the same commit.
/// The live push follows the commit (<see cref="LiveNotifications"/>).
/// </summary>
public sealed class Notifier(LiveNotifications live)
{
    /// <summary>
    /// Notifies <paramref name="recipientId"/> unless they did it themselves (<paramref name="actorId"/>) or muted the
    /// person it comes from. <paramref name="recipientMutedSender"/>: when the caller already knows (one lookup with
    /// the row it read anyway); null: looked up here by the mute key.
    /// </summary>
    public async Task AddAsync(WriteContext write, string recipientId, string actorId, string kind, string topicId, string replyId,
        Caller? from, CancellationToken ct, bool? recipientMutedSender = null)
    {
        if (recipientId == actorId)
        {
            return; // never for one's own acts
        }
        if (from is not null && (recipientMutedSender
            ?? await write.Db.Mutes.AnyAsync(m => m.UserId == recipientId && m.MutedUserId == from.Id, ct)))
        {
            return;
        }
        var notification = new NotificationEntity
        {
            Id = "n_" + Guid.CreateVersion7().ToString("N"),
            UserId = recipientId,
            Kind = kind,
            TopicId = topicId,
            ReplyId = replyId,
            FromId = from?.Id,
            FromName = from?.Name,
            At = write.Now,
        };
        write.Db.Notifications.Add(notification);
        write.AfterCommit(() => live.Notified(recipientId, notification.Id));
    }

    /// <summary>The author of <paramref name="reply"/>'s parent hears of it (an answer that became visible).</summary>
    public async Task RepliedAsync(WriteContext write, ReplyEntity reply, CancellationToken ct)
    {
        if (reply.ParentId is null)
        {
            return;
        }
        var parent = await AnsweredReplies.FindAsync(write.Db, reply.ParentId, reply.AuthorId, ct);
        if (parent is not null)
        {
            await AddAsync(write, parent.AuthorId, reply.AuthorId, NotificationKinds.Reply, reply.TopicId, reply.Id,
                new Caller(reply.AuthorId, reply.AuthorName, Roles.Member), ct, parent.Muted);
        }
    }

    /// <summary>
    /// The newsroom featured the author's reply: once per reply (featuring it again after taking it out tells
    /// nothing new). From the newsroom (<c>from: null</c>), as its moderation decisions are.
    /// </summary>
    public async Task FeaturedAsync(WriteContext write, ReplyEntity reply, Caller by, CancellationToken ct)
    {
        if (!await write.Db.Notifications.AnyAsync(n => n.ReplyId == reply.Id && n.Kind == NotificationKinds.Featured, ct))
        {
            await AddAsync(write, reply.AuthorId, by.Id, NotificationKinds.Featured, reply.TopicId, reply.Id, from: null, ct);
        }
    }

    /// <summary>A moderator decided on the author's held reply (<c>approved</c> or <c>rejected</c>), in the newsroom's name.</summary>
    public Task DecidedAsync(WriteContext write, ReplyEntity reply, Caller by, string kind, CancellationToken ct) =>
        AddAsync(write, reply.AuthorId, by.Id, kind, reply.TopicId, reply.Id, from: null, ct);

    /// <summary>
    /// A reply left readers for good (removed, rejected, erased): its unread notifications go with it, and their
    /// readers' live clients learn the lower unread count. Read ones stay, without an excerpt (read from the reply).
    /// </summary>
    public async Task WithdrawAsync(WriteContext write, string replyId, CancellationToken ct)
    {
        var unread = write.Db.Notifications.Where(n => n.ReplyId == replyId && n.ReadAt == null);
        var users = await unread.Select(n => n.UserId).Distinct().ToListAsync(ct);
        if (users.Count == 0)
        {
            return;
        }
        await unread.ExecuteDeleteAsync(ct);
        write.AfterCommit(() =>
        {
            foreach (var user in users)
            {
                live.UnreadChanged(user);
            }
        });
    }
}
