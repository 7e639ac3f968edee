using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Writes;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>Bans, unbans and the audit log. Removal, restore and locks live with replies and topics.</summary>
public sealed class ModerationService(
    CommunityDb db, TopicWriter writer, ModerationJobs jobs, IOptions<ModerationOptions> options,
    IOptions<LimitsOptions> limits)
{
    /// <summary>
    /// Bans a user; with <c>removeReplies</c> it answers once all their replies are removed. If the caller goes
    /// away first, the removal still finishes: it is a stored job.
    /// </summary>
    public async Task<Outcome<bool>> BanAsync(Caller caller, string userId, BanRequest request, CancellationToken ct)
    {
        if (Validate(caller, userId, request.Reason) is { } invalid)
        {
            return invalid;
        }
        var banned = await writer.WriteAsync(new BanCommand(caller, userId, request.Reason, request.RemoveReplies, options.Value.JobLease), ct);
        if (banned.Rejection is { } rejection)
        {
            return rejection;
        }
        if (banned.Value is { } jobId)
        {
            await jobs.RunAsync(jobId).WaitAsync(ct);
        }
        return true;
    }

    /// <summary>
    /// Erases every reply of a user (admins; legal takedowns, data-protection requests). Answers 204 when done,
    /// the database files included; 503 when that takes longer than Moderation:ErasureWait (the stored job still
    /// finishes, also if the caller goes away). Repeating it is harmless.
    /// </summary>
    public async Task<Outcome<bool>> EraseContentAsync(Caller caller, string userId, string? reason, CancellationToken ct)
    {
        if (caller.Role != Roles.Admin)
        {
            return Rejection.Forbidden("only admins erase content");
        }
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }
        var started = await writer.WriteAsync(new StartErasureCommand(caller, userId, reason, options.Value.JobLease), ct);
        return await Erasures.AnswerAsync(jobs, started, options.Value.ErasureWait, ct);
    }

    public async Task<Outcome<bool>> UnbanAsync(Caller caller, string userId, CancellationToken ct) =>
        Validate(caller, userId, null) is { } invalid ? invalid : await writer.WriteAsync(new UnbanCommand(caller, userId), ct);

    public async Task<Outcome<Page<ModerationEntry>>> LogAsync(int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        var after = Cursor.CheckTimeAndId(errors, cursor);
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
