using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Topics;

/// <summary>Creating, reading, locking and unlocking topics; REST, the hub and seeding share it.</summary>
public sealed class TopicService(
    CommunityDb db,
    TopicWriter writer,
    ReactionCounts reactions,
    TopicListBroadcaster topicList,
    ITopicVersions versions,
    SharedPages pages,
    IOptions<LimitsOptions> limits,
    IOptions<ClosingOptions> closing)
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
        var created = await writer.WriteAsync(new CreateTopicCommand(caller, Ids.NewTopicId(), input.Title!, input.Body!, urls, reactions, topicList, closing.Value.CloseAfter), ct);
        return created.Value is { } topic ? topic with { Mine = [] } : created;
    }

    public async Task<Outcome<JsonBody<Topic>>> GetAsync(Caller? caller, string topicId, CancellationToken ct)
    {
        var version = await versions.TopicAsync(db, topicId, ct);
        var topic = await pages.GetOrBuildAsync($"topic|{topicId}", version, async () =>
        {
            var row = await db.Topics.AsNoTracking().FirstOrDefaultAsync(t => t.Id == topicId, ct);
            if (row is null)
            {
                return null;
            }
            versions.Observed(topicId, row.LastSeq);
            return row.AsTopic(await reactions.ForAsync(db, row.Id, ct)) with { Mine = [] };
        });
        if (topic is null)
        {
            return Rejection.NotFound("topic not found");
        }
        if (caller is null)
        {
            return topic;
        }
        var mine = await reactions.MineInTopicAsync(db, caller, topicId, [topicId], ct);
        return mine[topicId].Count == 0 ? topic : topic.With(topic.Value with { Mine = mine[topicId] });
    }

    /// <summary>Newest first, keyset-paged on (createdAt, id) so pages stay stable while topics are added.</summary>
    public async Task<Outcome<JsonBody<Page<Topic>>>> ListAsync(Caller? caller, int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 20, max: 100);
        var after = Cursor.CheckTimeAndId(errors, cursor);
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }

        // Keyed by the decoded position; a position no page ends at (a made-up cursor) is answered, not kept.
        var shared = await pages.GetOrBuildAsync($"topics|{take}|{after?.At.Ticks}|{after?.Id}", versions.List(), async () =>
        {
            var query = db.Topics.AsNoTracking();
            if (after is { } a)
            {
                query = query.Where(t => t.CreatedAt < a.At || (t.CreatedAt == a.At && string.Compare(t.Id, a.Id) < 0));
            }
            var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take!.Value + 1).ToListAsync(ct);
            var page = rows.Take(take.Value).ToList();
            var counts = await reactions.ForAsync(db, page.ConvertAll(t => t.Id), ct);
            var next = rows.Count > take ? Cursor.EncodeTimeAndId(page[^1].CreatedAt, page[^1].Id) : null;
            var keep = after is not { } issued || await IsTopicAtAsync(issued.Id, issued.At, ct);
            return ((Page<Topic>?)new Page<Topic>(page.ConvertAll(t => t.AsTopic(counts[t.Id]) with { Mine = [] }), next), keep);
        });
        var items = shared!.Value.Items;
        if (caller is null || items.Count == 0)
        {
            return shared;
        }
        var mine = await reactions.MineAsync(db, caller, items.Select(t => t.Id).ToList(), ct);
        return mine.Values.All(m => m.Count == 0)
            ? shared
            : shared.With(shared.Value with { Items = items.Select(t => t with { Mine = mine[t.Id] }).ToList() });
    }

    // A cursor names the last topic of a page this server answered: that topic, created at that moment.
    private async Task<bool> IsTopicAtAsync(string id, DateTime at, CancellationToken ct) =>
        await db.Topics.AsNoTracking().Where(t => t.Id == id).Select(t => (DateTime?)t.CreatedAt).FirstOrDefaultAsync(ct) is { } createdAt
            && createdAt.Ticks == at.Ticks;

    /// <summary>Locks or unlocks a topic, or turns its pre-moderation on or off (moderators).</summary>
    public async Task<Outcome<Topic>> SetFlagAsync(Caller caller, string topicId, TopicFlag flag, bool on, CancellationToken ct)
    {
        if (!caller.IsModerator)
        {
            return Rejection.Forbidden(flag == TopicFlag.Locked ? "only moderators lock and unlock topics" : "only moderators change pre-moderation");
        }
        var result = await writer.WriteAsync(new SetTopicFlagCommand(caller, topicId, flag, on), ct);
        if (result.Value is not { } topic)
        {
            return result;
        }
        var mine = await reactions.MineAsync(db, caller, [topic.Id], ct);
        return topic with { Mine = mine[topic.Id] };
    }
}
