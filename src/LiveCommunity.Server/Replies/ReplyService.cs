using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// Replies for REST and the hub alike: checks the input, finds the reply's topic, and hands the change to
/// the <see cref="TopicWriter"/> as a command. Pages of replies are <see cref="ReplyPages"/>' job.
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
