using System.Globalization;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// Live updates for REST: checks the caller and the input, renders the Markdown once, and hands the change to the
/// <see cref="TopicWriter"/> as a command; reads pages of a topic's updates, pinned first, then newest first.
/// </summary>
public sealed class UpdateService(
    CommunityDb db,
    TopicWriter writer,
    UpdateMarkdown markdown,
    ITopicVersions versions,
    IOptions<UpdatesOptions> options)
{
    public static Rejection UpdateNotFound => Rejection.NotFound("update not found");

    public async Task<Outcome<Update>> PostAsync(Caller? caller, string topicId, NewUpdate input, CancellationToken ct)
    {
        if (Refused(caller, "post") is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, options.Value.BodyMaxLength);
        if (Ids.Problem("replyId", input.QuoteReplyId) is { } problem)
        {
            errors["quoteReplyId"] = [problem];
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        return await writer.WriteAsync(new PostUpdateCommand(caller!, topicId, input.Body!, markdown.ToHtml(input.Body!), input.KeyEvent ?? false,
            input.Pinned ?? false, input.QuoteReplyId, options.Value.MaxPerTopic), ct);
    }

    public async Task<Outcome<Update>> EditAsync(Caller? caller, string updateId, UpdateEdit input, CancellationToken ct)
    {
        if (Refused(caller, "correct") is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, options.Value.BodyMaxLength, required: false);
        if (input.Body is not null && input.Body.Trim().Length == 0)
        {
            errors["body"] = ["must not be empty"];
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        var html = input.Body is null ? null : markdown.ToHtml(input.Body);
        return await TopicOfAsync(updateId, ct) is { } topicId
            ? await writer.WriteAsync(new EditUpdateCommand(caller!, topicId, updateId, input.Body, html, input.KeyEvent, input.Pinned), ct)
            : UpdateNotFound;
    }

    public async Task<Outcome<bool>> RemoveAsync(Caller? caller, string updateId, CancellationToken ct)
    {
        if (Refused(caller, "delete") is { } refused)
        {
            return refused;
        }
        return await TopicOfAsync(updateId, ct) is { } topicId
            ? await writer.WriteAsync(new RemoveUpdateCommand(caller!, topicId, updateId), ct)
            : UpdateNotFound;
    }

    /// <summary>
    /// A page of the topic's updates: pinned ones first (newest first among them), then the others newest first;
    /// with <paramref name="keyEvents"/>, key events only in the same order. The topic's lastSeq is read before the
    /// page, so Watch(topicId, lastSeq) afterwards can only repeat, never miss, a change.
    /// </summary>
    public async Task<Outcome<JsonBody<UpdatePage>>> ListAsync(string topicId, int? limit, string? cursor, bool keyEvents, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 20, max: 100);
        var after = cursor is null ? null : DecodeCursor(cursor);
        if (cursor is not null && after is null)
        {
            errors["cursor"] = ["is not a cursor this server issued"];
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
        // Two ranges of one index, pinned then the rest, each newest first; a cursor says which range it is in.
        var rows = new List<UpdateEntity>(take!.Value + 1);
        if (after is not { Pinned: false })
        {
            rows.AddRange(await Range(topicId, keyEvents, pinned: true, after?.Seq, take.Value + 1).ToListAsync(ct));
        }
        if (rows.Count <= take)
        {
            var before = after is { Pinned: false } a ? a.Seq : (long?)null;
            rows.AddRange(await Range(topicId, keyEvents, pinned: false, before, take.Value + 1 - rows.Count).ToListAsync(ct));
        }
        var page = rows.Take(take.Value).ToList();
        var next = rows.Count > take ? EncodeCursor(page[^1]) : null;
        versions.Observed(topicId, lastSeq.Value);
        return new JsonBody<UpdatePage>(new UpdatePage(page.ConvertAll(u => u.AsUpdate()), next, lastSeq.Value));
    }

    private IQueryable<UpdateEntity> Range(string topicId, bool keyEvents, bool pinned, long? before, int take)
    {
        var query = db.Updates.AsNoTracking().Where(u => u.TopicId == topicId && u.Pinned == pinned);
        if (keyEvents)
        {
            query = query.Where(u => u.KeyEvent); // the partial key-event index: as cheap in a long blog as in a short one
        }
        if (before is { } b)
        {
            query = query.Where(u => u.Seq < b);
        }
        return query.OrderByDescending(u => u.Seq).Take(take);
    }

    private static Rejection? Refused(Caller? caller, string act) =>
        caller is null ? Rejection.SignInRequired($"sign in to {act} live updates")
        : !Roles.PostsUpdates(caller.Role) ? Rejection.Forbidden($"only journalists, moderators and admins {act} live updates")
        : null;

    private Task<string?> TopicOfAsync(string updateId, CancellationToken ct) =>
        db.Updates.AsNoTracking().Where(u => u.Id == updateId).Select(u => u.TopicId).FirstOrDefaultAsync(ct);

    // A position in the list: "p" or "n" (pinned range or not) and the seq of the page's last update.
    private static string EncodeCursor(UpdateEntity last) =>
        Cursor.Encode((last.Pinned ? "p" : "n") + last.Seq.ToString(CultureInfo.InvariantCulture));

    private static (bool Pinned, long Seq)? DecodeCursor(string cursor) =>
        Cursor.TryDecode(cursor, out var position) && position.Length > 1 && position[0] is 'p' or 'n'
        && long.TryParse(position.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
        && position[1..] == seq.ToString(CultureInfo.InvariantCulture)
            ? (position[0] == 'p', seq)
            : null;
}
