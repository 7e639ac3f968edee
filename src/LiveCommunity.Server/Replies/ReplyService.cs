using System.Globalization;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// Every change to replies. REST handlers and hub methods both call this, so a write produces the same
/// rows and the same event whichever way it came in.
/// </summary>
public sealed class ReplyService(
    CommunityDb db,
    ReactionCounts reactions,
    ContentRules rules,
    ModerationAudit audit,
    TopicEventPublisher publisher,
    TimeProvider time,
    IOptions<LimitsOptions> limits)
{
    private static readonly IReadOnlyDictionary<string, int> NoCounts = new Dictionary<string, int>();

    public async Task<Outcome<Reply>> PostAsync(Caller? caller, string topicId, NewReply input, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to post");
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, limits.Value.ReplyMaxLength);
        if (input.ParentId is { Length: > 128 })
        {
            errors["parentId"] = ["is not a reply id"];
        }
        if ((errors.ToRejection() ?? rules.Check("body", input.Body!)) is { } invalid)
        {
            return invalid;
        }

        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var seq = await write.NextSeqAsync(topicId, replyCountDelta: 1, ct);
        if (seq is null)
        {
            return Rejection.NotFound("topic not found");
        }
        if (seq.Locked)
        {
            return Rejection.Conflict("topic is locked: it takes no new replies");
        }
        if (await IsRepeatAsync(caller, topicId, input.Body!, write.Now, ct))
        {
            return Rejection.Conflict("you just posted the same reply in this topic");
        }
        if (input.ParentId is not null)
        {
            var parent = await db.Replies.AsNoTracking()
                .Where(r => r.Id == input.ParentId)
                .Select(r => new { r.TopicId, r.Removed })
                .FirstOrDefaultAsync(ct);
            if (parent is null || parent.TopicId != topicId)
            {
                return Rejection.Invalid("parentId", "must be a reply in the same topic");
            }
            if (parent.Removed)
            {
                return Rejection.Conflict("the reply you are answering was removed");
            }
        }
        var reply = new ReplyEntity
        {
            Id = Ids.NewReplyId(),
            TopicId = topicId,
            ParentId = input.ParentId,
            AuthorId = caller.Id,
            AuthorName = caller.Name,
            Body = input.Body!,
            CreatedAt = write.Now,
            Seq = seq.Seq,
        };
        db.Replies.Add(reply);
        var wire = reply.AsReply(ZeroCounts());
        write.Append(new ReplyPostedEvent(topicId, seq.Seq, wire));
        await write.CommitAsync(ct);
        await publisher.PublishAsync(write.Events, write.CommittedAt);
        return wire;
    }

    public async Task<Outcome<Reply>> EditAsync(Caller? caller, string replyId, ReplyEdit input, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to edit");
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, limits.Value.ReplyMaxLength);
        if ((errors.ToRejection() ?? rules.Check("body", input.Body!)) is { } invalid)
        {
            return invalid;
        }

        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var reply = await db.Replies.FirstOrDefaultAsync(r => r.Id == replyId, ct);
        if (reply is null || reply.Removed)
        {
            return Rejection.NotFound("reply not found");
        }
        if (reply.AuthorId != caller.Id)
        {
            return Rejection.Forbidden("only its author may edit a reply");
        }
        var window = limits.Value.EditWindow;
        if (write.Now - reply.CreatedAt > window)
        {
            return Rejection.Forbidden($"the edit window of {window.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes has closed");
        }
        var seq = await write.NextSeqAsync(reply.TopicId, 0, ct);
        // A removal that committed while this edit waited for the topic's lock wins.
        if (seq is null || await db.Replies.AsNoTracking().AnyAsync(r => r.Id == replyId && r.Removed, ct))
        {
            return Rejection.NotFound("reply not found");
        }
        if (seq.Locked)
        {
            return Rejection.Conflict("topic is locked: its replies can no longer be edited");
        }
        reply.Body = input.Body!;
        reply.EditedAt = write.Now;
        var wire = reply.AsReply(await reactions.ForAsync(db, reply.Id, ct));
        write.Append(new ReplyEditedEvent(reply.TopicId, seq.Seq, wire));
        await write.CommitAsync(ct);
        await publisher.PublishAsync(write.Events, write.CommittedAt);
        return wire;
    }

    /// <summary>
    /// Removes a reply (its author, or a moderator). Removing an already removed reply changes nothing.
    /// The removal scrubs the reply's text from the event log in the same transaction.
    /// </summary>
    public async Task<Outcome<bool>> RemoveAsync(Caller? caller, string replyId, string? reason, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to remove a reply");
        }
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }

        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var topicId = await db.Replies.Where(r => r.Id == replyId).Select(r => r.TopicId).FirstOrDefaultAsync(ct);
        if (topicId is null)
        {
            return Rejection.NotFound("reply not found");
        }
        var seq = await write.NextSeqAsync(topicId, replyCountDelta: -1, ct);
        var reply = await db.Replies.FirstAsync(r => r.Id == replyId, ct);
        var byModerator = reply.AuthorId != caller.Id;
        if (byModerator && !caller.IsModerator)
        {
            return Rejection.Forbidden("only its author or a moderator may remove a reply");
        }
        if (reply.Removed)
        {
            return true; // idempotent: rolled back, no event
        }
        await RemoveInWriteAsync(write, reply, seq!.Seq, caller, byModerator ? reason : null, ct);
        await write.CommitAsync(ct);
        if (byModerator)
        {
            audit.Committed(caller, ModerationActions.Remove, replyId);
        }
        await publisher.PublishAsync(write.Events, write.CommittedAt);
        return true;
    }

    /// <summary>Marks the reply removed, scrubs its logged text and appends ReplyRemoved; the caller commits.</summary>
    internal async Task RemoveInWriteAsync(TopicWrite write, ReplyEntity reply, long seq, Caller by, string? moderationReason, CancellationToken ct)
    {
        reply.Removed = true;
        reply.RemovedAt = write.Now;
        reply.RemovedById = by.Id;
        reply.RemovedReason = moderationReason;
        await EventLog.ScrubReplyAsync(db, reply.TopicId, reply.Id, ct);
        write.Append(new ReplyRemovedEvent(reply.TopicId, seq, reply.Id));
        if (reply.AuthorId != by.Id)
        {
            ModerationLog.Record(db, by, ModerationActions.Remove, reply.Id, moderationReason, write.Now);
        }
    }

    public async Task<Outcome<Reply>> RestoreAsync(Caller caller, string replyId, CancellationToken ct)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden("only moderators restore replies");
        }
        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var topicId = await db.Replies.Where(r => r.Id == replyId).Select(r => r.TopicId).FirstOrDefaultAsync(ct);
        if (topicId is null)
        {
            return Rejection.NotFound("reply not found");
        }
        var seq = await write.NextSeqAsync(topicId, replyCountDelta: 1, ct);
        var reply = await db.Replies.FirstAsync(r => r.Id == replyId, ct);
        var wire = reply.AsReply(await reactions.ForAsync(db, reply.Id, ct));
        if (!reply.Removed)
        {
            return wire; // nothing to restore: rolled back, no event
        }
        reply.Removed = false;
        reply.RemovedAt = null;
        reply.RemovedById = null;
        reply.RemovedReason = null;
        write.Append(new ReplyRestoredEvent(topicId, seq!.Seq, wire));
        ModerationLog.Record(db, caller, ModerationActions.Restore, replyId, null, write.Now);
        await write.CommitAsync(ct);
        audit.Committed(caller, ModerationActions.Restore, replyId);
        await publisher.PublishAsync(write.Events, write.CommittedAt);
        return wire;
    }

    /// <summary>
    /// A page of visible replies in thread order (the seq of their posting). The topic's lastSeq is read
    /// before the page, so Watch(topicId, lastSeq) afterwards can only repeat, never miss, a change.
    /// </summary>
    public async Task<Outcome<ReplyPage>> ListAsync(string topicId, string? order, int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        var newest = order?.ToLowerInvariant() switch
        {
            null or "oldest" => false,
            "newest" => true,
            _ => (bool?)null,
        };
        if (newest is null)
        {
            errors["order"] = ["must be oldest or newest"];
        }
        long? after = null;
        if (cursor is not null)
        {
            after = Cursor.TryDecode(cursor, out var position) && long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            if (after is null)
            {
                errors["cursor"] = ["is not a cursor this server issued"];
            }
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        var lastSeq = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => (long?)t.LastSeq).FirstOrDefaultAsync(ct);
        if (lastSeq is null)
        {
            return Rejection.NotFound("topic not found");
        }
        var query = db.Replies.AsNoTracking().Where(r => r.TopicId == topicId && !r.Removed);
        if (after is { } a)
        {
            query = newest == true ? query.Where(r => r.Seq < a) : query.Where(r => r.Seq > a);
        }
        query = newest == true ? query.OrderByDescending(r => r.Seq) : query.OrderBy(r => r.Seq);
        var rows = await query.Take(take!.Value + 1).ToListAsync(ct);
        var page = rows.Take(take.Value).ToList();
        var counts = await reactions.ForAsync(db, page.ConvertAll(r => r.Id), ct);
        var next = rows.Count > take ? Cursor.Encode(page[^1].Seq.ToString(CultureInfo.InvariantCulture)) : null;
        return new ReplyPage(page.ConvertAll(r => r.AsReply(counts[r.Id])), next, lastSeq.Value);
    }

    // Catches double submits and copy-paste floods; the exact text, so a corrected retry still goes through.
    private async Task<bool> IsRepeatAsync(Caller caller, string topicId, string body, DateTime now, CancellationToken ct)
    {
        var since = now - limits.Value.DuplicateReplyWindow;
        return await db.Replies.AsNoTracking().AnyAsync(
            r => r.AuthorId == caller.Id && r.TopicId == topicId && r.CreatedAt >= since && r.Body == body && !r.Removed, ct);
    }

    private IReadOnlyDictionary<string, int> ZeroCounts() =>
        reactions.Kinds.Count == 0 ? NoCounts : reactions.Kinds.ToDictionary(k => k, _ => 0);
}
