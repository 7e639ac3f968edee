using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>Reader reports and the moderators' queue (PROTOCOL.md v2), for REST and the hub alike.</summary>
public sealed class ModerationQueue(
    CommunityDb db,
    TopicWriter writer,
    ReplyTopics replyTopics,
    ReactionCounts reactions,
    QueueNotifier notifier,
    Notifier notifications,
    IOptions<ModerationOptions> options,
    IOptions<LimitsOptions> limits)
{
    public async Task<Outcome<ReportResult>> ReportAsync(Caller? caller, string replyId, ReportRequest? request, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to report a reply");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        var errors = new Dictionary<string, string[]>();
        if (request?.Reason is not { } reason || !ReportReasons.All.Contains(reason))
        {
            errors["reason"] = [$"must be one of {string.Join(", ", ReportReasons.All)}"];
        }
        if (request?.Note is { } note && (note.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(note)))
        {
            errors["note"] = [$"must be at most {limits.Value.ReasonMaxLength} characters of text"];
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        var note2 = string.IsNullOrWhiteSpace(request!.Note) ? null : request.Note;
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await writer.WriteAsync(new ReportReplyCommand(caller, topicId, replyId, request.Reason!, note2, options.Value, notifier), ct)
            : Rejection.NotFound("reply not found");
    }

    /// <summary>Queued replies, oldest first, keyset-paged on (since, id); counts for the same topic filter.</summary>
    public async Task<Outcome<QueuePage>> ListAsync(Caller caller, string? state, string? topicId, int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        state ??= "all";
        if (state is not (QueueStates.Reported or QueueStates.Pending or "all"))
        {
            errors["state"] = ["must be reported, pending or all"];
        }
        var after = Cursor.CheckTimeAndId(errors, cursor);
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        var query = db.Replies.AsNoTracking().Where(r => r.QueueState != null);
        if (state != "all")
        {
            query = query.Where(r => r.QueueState == state);
        }
        if (topicId is not null)
        {
            query = query.Where(r => r.TopicId == topicId);
        }
        if (after is { } a)
        {
            query = query.Where(r => r.QueuedAt > a.At || (r.QueuedAt == a.At && string.Compare(r.Id, a.Id) > 0));
        }
        var rows = await query.OrderBy(r => r.QueuedAt).ThenBy(r => r.Id).Take(take!.Value + 1).ToListAsync(ct);
        var page = rows.Take(take.Value).ToList();
        var ids = page.ConvertAll(r => r.Id);
        var topicIds = page.Select(r => r.TopicId).Distinct().ToList();
        var titles = await db.Topics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Title, ct);
        var reports = (await db.Reports.AsNoTracking().Where(r => ids.Contains(r.ReplyId) && r.DismissedAt == null)
                .GroupBy(r => new { r.ReplyId, r.Reason }).Select(g => new { g.Key.ReplyId, g.Key.Reason, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(r => r.ReplyId);
        var counts = await reactions.ForAsync(db, ids, ct);
        var mine = await reactions.MineAsync(db, caller, ids, ct);
        var items = page.ConvertAll(r => new QueueItem(
            r.AsReply(counts[r.Id]) with { Mine = mine[r.Id] },
            new QueueTopic(r.TopicId, titles.GetValueOrDefault(r.TopicId, "")),
            r.QueueState!,
            r.State == ReplyState.Hidden,
            reports[r.Id].ToDictionary(x => x.Reason, x => x.Count, StringComparer.Ordinal),
            r.ReportCount,
            r.QueuedAt!.Value,
            r.Version));
        var next = rows.Count > take ? Cursor.EncodeTimeAndId(page[^1].QueuedAt!.Value, page[^1].Id) : null;
        return new QueuePage(items, next, await QueueNotifier.CountsAsync(db, topicId, ct));
    }

    /// <summary>Approves; <paramref name="request"/> without a version (older clients) approves whatever the text is now.</summary>
    public async Task<Outcome<Reply>> ApproveAsync(Caller caller, string replyId, ApproveRequest? request, CancellationToken ct)
    {
        if (request?.Version is < 0)
        {
            return Rejection.Invalid("version", "must be the version the queue showed");
        }
        if (await replyTopics.TopicOfAsync(db, replyId, ct) is not { } topicId)
        {
            return Rejection.NotFound("reply not found");
        }
        var approved = await writer.WriteAsync(new ApproveCommand(caller, topicId, replyId, request?.Version, notifier, notifications), ct);
        if (approved.Value is not { } reply)
        {
            return approved;
        }
        var mine = await reactions.MineAsync(db, caller, [reply.Id], ct);
        return reply with { Mine = mine[reply.Id] };
    }

    public async Task<Outcome<bool>> RejectAsync(Caller caller, string replyId, RejectRequest? request, CancellationToken ct)
    {
        var reason = request?.Reason;
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await writer.WriteAsync(new RejectCommand(caller, topicId, replyId, string.IsNullOrWhiteSpace(reason) ? null : reason, notifier, notifications), ct)
            : Rejection.NotFound("reply not found");
    }
}
