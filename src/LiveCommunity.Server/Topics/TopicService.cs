using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Topics;

/// <summary>Creating, reading, locking and unlocking topics; REST and seeding share it.</summary>
public sealed class TopicService(
    CommunityDb db,
    ReactionCounts reactions,
    TopicEventPublisher publisher,
    ModerationAudit audit,
    TimeProvider time,
    IOptions<LimitsOptions> limits)
{
    public async Task<Outcome<Topic>> CreateAsync(Caller caller, NewTopic input, CancellationToken ct)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden("only moderators and admins create topics");
        }
        var limit = limits.Value;
        var errors = new Dictionary<string, string[]>();
        TextRules.Check(errors, "title", input.Title, limit.TitleMaxLength);
        TextRules.Check(errors, "body", input.Body, limit.TopicBodyMaxLength);
        var urls = input.SourceUrls ?? [];
        if (urls.Count > limit.MaxSourceUrls)
        {
            errors["sourceUrls"] = [$"must list at most {limit.MaxSourceUrls} addresses"];
        }
        else if (urls.Any(u => !TextRules.IsHttpUrl(u, limit.SourceUrlMaxLength)))
        {
            errors["sourceUrls"] = ["must be absolute http or https addresses"];
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        var topic = new TopicEntity
        {
            Id = Ids.NewTopicId(),
            Title = input.Title!,
            Body = input.Body!,
            SourceUrls = urls,
            AuthorId = caller.Id,
            AuthorName = caller.Name,
            CreatedAt = write.Now,
        };
        db.Topics.Add(topic);
        await write.CommitAsync(ct);
        return topic.AsTopic(await reactions.ForAsync(db, topic.Id, ct));
    }

    public async Task<Outcome<Topic>> GetAsync(string topicId, CancellationToken ct)
    {
        var topic = await db.Topics.AsNoTracking().FirstOrDefaultAsync(t => t.Id == topicId, ct);
        return topic is null
            ? Rejection.NotFound("topic not found")
            : topic.AsTopic(await reactions.ForAsync(db, topic.Id, ct));
    }

    /// <summary>Newest first, keyset-paged on (createdAt, id) so pages stay stable while topics are added.</summary>
    public async Task<Outcome<Page<Topic>>> ListAsync(int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 20, max: 100);
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

        var query = db.Topics.AsNoTracking();
        if (after is { } a)
        {
            query = query.Where(t => t.CreatedAt < a.At || (t.CreatedAt == a.At && string.Compare(t.Id, a.Id) < 0));
        }
        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take!.Value + 1).ToListAsync(ct);
        var page = rows.Take(take.Value).ToList();
        var counts = await reactions.ForAsync(db, page.ConvertAll(t => t.Id), ct);
        var next = rows.Count > take ? Cursor.EncodeTimeAndId(page[^1].CreatedAt, page[^1].Id) : null;
        return new Page<Topic>(page.ConvertAll(t => t.AsTopic(counts[t.Id])), next);
    }

    public async Task<Outcome<Topic>> SetLockedAsync(Caller caller, string topicId, bool locked, CancellationToken ct)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden("only moderators lock and unlock topics");
        }
        await using var write = await TopicWrite.BeginAsync(db, time, ct);
        if (await write.CheckWriterAsync(caller, ct) is { } banned)
        {
            return banned;
        }
        // Take the seq (and with it the topic's row lock) first, so the state read below is current.
        var seq = await write.NextSeqAsync(topicId, 0, ct);
        if (seq is null)
        {
            return Rejection.NotFound("topic not found");
        }
        var topic = await db.Topics.FirstAsync(t => t.Id == topicId, ct);
        if (topic.Locked == locked)
        {
            // Already so: nothing to announce, and disposing the write rolls the seq back.
            return topic.AsTopic(await reactions.ForAsync(db, topicId, ct));
        }
        topic.Locked = locked;
        var wire = topic.AsTopic(await reactions.ForAsync(db, topicId, ct));
        write.Append(new TopicUpdatedEvent(topicId, seq.Seq, wire));
        var action = locked ? ModerationActions.Lock : ModerationActions.Unlock;
        ModerationLog.Record(db, caller, action, topicId, null, write.Now);
        await write.CommitAsync(ct);
        audit.Committed(caller, action, topicId);
        await publisher.PublishAsync(write.Events, write.CommittedAt);
        return wire;
    }
}
