using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// Replies for REST and the hub alike: checks the input, finds the reply's topic, and hands the change to
/// the <see cref="TopicWriter"/> as a command; reads pages of visible replies.
/// </summary>
public sealed class ReplyService(
    CommunityDb db,
    TopicWriter writer,
    ReplyTopics replyTopics,
    ReactionCounts reactions,
    IPreModeration preModeration,
    IReplyErasure erasure,
    QueueNotifier queue,
    Notifier notifier,
    ITopicVersions versions,
    SharedPages pages,
    MuteService mutes,
    IOptions<LimitsOptions> limits)
{
    public async Task<Outcome<Reply>> PostAsync(Caller? caller, string topicId, NewReply input, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to post");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, limits.Value.ReplyMaxLength);
        if (input.ParentId is { Length: > 128 })
        {
            errors["parentId"] = ["is not a reply id"];
        }
        if ((errors.ToRejection() ?? preModeration.Check("body", input.Body!)) is { } invalid)
        {
            return invalid;
        }
        var posted = await writer.WriteAsync(
            new PostReplyCommand(caller, topicId, input.Body!, input.ParentId, reactions, limits.Value.DuplicateReplyWindow, notifier, preModeration), ct);
        return posted.Value is { } reply ? reply with { Mine = [] } : posted;
    }

    public async Task<Outcome<Reply>> EditAsync(Caller? caller, string replyId, ReplyEdit input, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to edit");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "body", input.Body, limits.Value.ReplyMaxLength);
        if ((errors.ToRejection() ?? preModeration.Check("body", input.Body!)) is { } invalid)
        {
            return invalid;
        }
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await WithMineAsync(caller, await writer.WriteAsync(new EditReplyCommand(caller, topicId, replyId, input.Body!, limits.Value.EditWindow, preModeration), ct), ct)
            : Rejection.NotFound("reply not found");
    }

    /// <summary>Removes a reply (its author, or a moderator); removing a removed reply changes nothing.</summary>
    public async Task<Outcome<bool>> RemoveAsync(Caller? caller, string replyId, string? reason, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to remove a reply");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await writer.WriteAsync(new RemoveReplyCommand(caller, topicId, replyId, reason, queue, notifier), ct)
            : Rejection.NotFound("reply not found");
    }

    /// <summary>
    /// Erases a reply (admins): removed for readers and its text deleted from storage, the database files
    /// included, before the call answers 204 (or 503 while the stored job still works on the files).
    /// </summary>
    public async Task<Outcome<bool>> EraseAsync(Caller? caller, string replyId, string? reason, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to erase a reply");
        }
        if (caller.Role != Roles.Admin)
        {
            return Rejection.Forbidden("only admins erase replies");
        }
        if (reason is not null && (reason.Length > limits.Value.ReasonMaxLength || TextRules.HasControlCharacters(reason)))
        {
            return Rejection.Invalid("reason", $"must be at most {limits.Value.ReasonMaxLength} characters of text");
        }
        if (await replyTopics.TopicOfAsync(db, replyId, ct) is not { } topicId)
        {
            return Rejection.NotFound("reply not found");
        }
        return await erasure.EraseAsync(caller, topicId, replyId, reason, ct);
    }

    public async Task<Outcome<Reply>> RestoreAsync(Caller caller, string replyId, CancellationToken ct)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden("only moderators restore replies");
        }
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await WithMineAsync(caller, await writer.WriteAsync(new RestoreReplyCommand(caller, topicId, replyId), ct), ct)
            : Rejection.NotFound("reply not found");
    }

    /// <summary>Features or unfeatures a published reply: moderators, admins and journalists (PROTOCOL.md v3).</summary>
    public async Task<Outcome<Reply>> FeatureAsync(Caller? caller, string replyId, bool featured, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to feature replies");
        }
        if (!Roles.FeaturesReplies(caller.Role))
        {
            return Rejection.Forbidden("only moderators, admins and journalists feature replies");
        }
        return await replyTopics.TopicOfAsync(db, replyId, ct) is { } topicId
            ? await WithMineAsync(caller, await writer.WriteAsync(new FeatureReplyCommand(caller, topicId, replyId, featured, notifier), ct), ct)
            : Rejection.NotFound("reply not found");
    }

    /// <summary>
    /// A page of visible replies in thread order (the seq of their posting) either way, or by score (top), with
    /// the caller's own reactions. The topic's lastSeq is read before the page, so Watch(topicId, lastSeq)
    /// afterwards can only repeat, never miss, a change.
    /// </summary>
    public async Task<Outcome<JsonBody<ReplyPage>>> ListAsync(Caller? caller, string topicId, string? order, int? limit, string? cursor, CancellationToken ct, bool featured = false)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        ReplyOrder? sort = order?.ToLowerInvariant() switch
        {
            null or "oldest" => ReplyOrder.Oldest,
            "newest" => ReplyOrder.Newest,
            "top" => ReplyOrder.Top,
            _ => null,
        };
        if (sort is null)
        {
            errors["order"] = ["must be oldest, newest or top"];
        }
        ReplyPosition? after = null;
        if (cursor is not null && sort is { } s)
        {
            after = ReplyPosition.TryDecode(s, cursor, out var position) ? position : null;
            if (after is null)
            {
                errors["cursor"] = ["is not a cursor this server issued"];
            }
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        // The page is the same for every reader at one version of the topic: built once, shared; the caller's
        // own reactions are merged in from one small query on the reactions' key. Keyed by the cursor, which has
        // one spelling per position.
        var version = await versions.TopicAsync(db, topicId, ct);
        var madeUp = false;
        var shared = await pages.GetOrBuildAsync($"replies|{topicId}|{sort}{(featured ? "f" : "")}|{take}|{cursor}", version, async () =>
        {
            // Checked only on a miss, before a page is built for it (ReplyPageQuery.IssuedAsync says why).
            if (after is { } a && !await ReplyPageQuery.IssuedAsync(db, topicId, sort!.Value, a, ct))
            {
                madeUp = true;
                return null;
            }
            var page = await ReadPageAsync(topicId, sort!.Value, featured, take!.Value, after, ct);
            if (page is not null)
            {
                versions.Observed(topicId, page.LastSeq);
            }
            return page;
        });
        if (madeUp)
        {
            return Rejection.Invalid("cursor", "is not a cursor this server issued");
        }
        if (shared is null)
        {
            return Rejection.NotFound("topic not found");
        }
        return await WithMineAsync(caller, shared, ct);
    }

    // The topic's lastSeq is read before the page, so Watch(topicId, lastSeq) afterwards can only repeat, never
    // miss, a change; in top order it is also where the walk began (ReplyPageQuery says why that matters).
    private async Task<ReplyPage?> ReadPageAsync(string topicId, ReplyOrder order, bool featured, int take, ReplyPosition? after, CancellationToken ct)
    {
        var lastSeq = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => (long?)t.LastSeq).FirstOrDefaultAsync(ct);
        if (lastSeq is null)
        {
            return null;
        }
        var rows = await ReplyPageQuery.ReadAsync(db, topicId, order, featured, take + 1, after, ct);
        var page = rows.Take(take).ToList();
        var counts = await reactions.ForAsync(db, page.ConvertAll(r => r.Id), ct);
        var next = rows.Count > take
            ? new ReplyPosition(page[^1].Seq!.Value, page[^1].Score, after?.Since ?? lastSeq.Value).Encode(order)
            : null;
        return new ReplyPage(page.ConvertAll(r => r.AsReply(counts[r.Id]) with { Mine = [] }), next, lastSeq.Value);
    }

    private async Task<JsonBody<ReplyPage>> WithMineAsync(Caller? caller, JsonBody<ReplyPage> shared, CancellationToken ct)
    {
        if (caller is null)
        {
            return shared;
        }
        var items = shared.Value.Items;
        if (items.Count == 0)
        {
            return shared;
        }
        var mine = await reactions.MineInTopicAsync(db, caller, items[0].TopicId, items.Select(r => r.Id).ToList(), ct);
        // Muted authors leave the caller's copy only; nextCursor still names the shared page's last reply, so
        // paging goes on where the shared page ends (a page may come out shorter, never overlapping or skipping).
        var muted = await mutes.MutedAmongAsync(caller, items.Select(r => r.Author.Id).Distinct().ToList(), ct);
        return muted.Count == 0 && mine.Values.All(m => m.Count == 0)
            ? shared
            : shared.With(shared.Value with
            {
                Items = items.Where(r => !muted.Contains(r.Author.Id)).Select(r => r with { Mine = mine[r.Id] }).ToList(),
            });
    }

    // REST answers carry the caller's own reactions (PROTOCOL.md v2); events never do.
    private async Task<Outcome<Reply>> WithMineAsync(Caller caller, Outcome<Reply> outcome, CancellationToken ct)
    {
        if (outcome.Value is not { } reply)
        {
            return outcome;
        }
        var mine = await reactions.MineAsync(db, caller, [reply.Id], ct);
        return reply with { Mine = mine[reply.Id] };
    }
}
