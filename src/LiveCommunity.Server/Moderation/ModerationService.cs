using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>Bans, unbans and the audit log. Removal, restore and locks live with replies and topics.</summary>
public sealed class ModerationService(
    CommunityDb db, ReplyService replies, ModerationAudit audit, TimeProvider time, IOptions<LimitsOptions> limits)
{
    public async Task<Outcome<bool>> BanAsync(Caller caller, string userId, BanRequest request, CancellationToken ct)
    {
        if (Validate(caller, userId, request.Reason) is { } invalid)
        {
            return invalid;
        }
        await using (var write = await TopicWrite.BeginAsync(db, time, ct))
        {
            if (await write.CheckWriterAsync(caller, ct) is { } banned)
            {
                return banned;
            }
            var target = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (target is not null && target.Role is Roles.Moderator or Roles.Admin && caller.Role != Roles.Admin)
            {
                return Rejection.Forbidden("only admins ban moderators and admins");
            }
            if (target is null)
            {
                // A user may be banned before their first write; the name fills in when they next sign in.
                target = new UserEntity { Id = userId, Name = userId, Role = Roles.Member, UpdatedAt = write.Now };
                db.Users.Add(target);
            }
            if (!target.Banned)
            {
                target.Banned = true;
                target.BanReason = request.Reason;
                ModerationLog.Record(db, caller, ModerationActions.Ban, userId, request.Reason, write.Now);
                await write.CommitAsync(ct);
                audit.Committed(caller, ModerationActions.Ban, userId);
            }
        }
        if (request.RemoveReplies)
        {
            await RemoveAllRepliesOfAsync(caller, userId, request.Reason, ct);
        }
        return true;
    }

    public async Task<Outcome<bool>> UnbanAsync(Caller caller, string userId, CancellationToken ct)
    {
        if (Validate(caller, userId, null) is { } invalid)
        {
            return invalid;
        }
        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var target = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (target is null)
        {
            return Rejection.NotFound("user not found");
        }
        if (target.Banned)
        {
            target.Banned = false;
            target.BanReason = null;
            ModerationLog.Record(db, caller, ModerationActions.Unban, userId, null, write.Now);
            await write.CommitAsync(ct);
            audit.Committed(caller, ModerationActions.Unban, userId);
        }
        return true;
    }

    public async Task<Outcome<Page<ModerationEntry>>> LogAsync(int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        (DateTime At, string Id)? after = null;
        if (cursor is not null)
        {
            if (Cursor.TryDecodeTimeAndId(cursor, out var at, out var id))
            {
                after = (at, id);
            }
            else
            {
                errors["cursor"] = ["is not a cursor this server issued"];
            }
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        var query = db.ModerationLog.AsNoTracking();
        if (after is { } a)
        {
            query = query.Where(e => e.At < a.At || (e.At == a.At && string.Compare(e.Id, a.Id) < 0));
        }
        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(take!.Value + 1).ToListAsync(ct);
        var page = rows.Take(take.Value).ToList();
        var next = rows.Count > take ? Cursor.EncodeTimeAndId(page[^1].At, page[^1].Id) : null;
        return new Page<ModerationEntry>(page.ConvertAll(e => e.AsEntry()), next);
    }

    // Each removal is its own write: its own seq in its own topic, its own ReplyRemoved, its own log line.
    private async Task RemoveAllRepliesOfAsync(Caller caller, string userId, string? reason, CancellationToken ct)
    {
        var ids = await db.Replies.AsNoTracking().Where(r => r.AuthorId == userId && !r.Removed)
            .OrderBy(r => r.CreatedAt).Select(r => r.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            await replies.RemoveAsync(caller, id, reason, ct);
        }
    }

    private Rejection? Validate(Caller caller, string userId, string? reason)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden("only moderators ban and unban users");
        }
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > 128)
        {
            return Rejection.Invalid("userId", "is not a user id");
        }
        if (userId == caller.Id)
        {
            return Rejection.Invalid("userId", "you cannot ban or unban yourself");
        }
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }
        return null;
    }
}
