using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Articles;

/// <summary>What an article write did: the topic it made or changed, or the id of the topic that already had the article.</summary>
public sealed record ArticleWrite(Topic? Topic, string? ExistingTopicId);

/// <summary>
/// A new topic for an article. Concurrent creations of one article (on any instance) take turns on a lock named
/// after the article id, and each looks for the article again once it holds it: the first creates the topic, the
/// others find it and are answered <see cref="ArticleWrite.ExistingTopicId"/> (their caller then updates). On
/// SQLite one batch writes at a time, which is the same turn-taking. The unique index on ArticleId stays the last
/// word. Writer is null for a topic resolved from an article token (the host site, not a user).
/// </summary>
internal sealed class CreateArticleCommand(
    Caller? caller, string topicId, ArticleFields article, TimeSpan? closeAfter, ReactionCounts counts, TopicListBroadcaster topicList)
    : WriteCommand<ArticleWrite>
{
    /// <summary>Who a topic resolved from an article token is by: the host site's newsroom.</summary>
    public static readonly Author Newsroom = new("newsroom", "Newsroom");

    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<ArticleWrite>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (!write.Db.Database.IsSqlite())
        {
            await write.Db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"article:" + article.ArticleId}, 0))", ct);
        }
        var existing = await write.Db.Topics.AsNoTracking().Where(t => t.ArticleId == article.ArticleId).Select(t => t.Id).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            return new ArticleWrite(null, existing);
        }
        var topic = new TopicEntity
        {
            Id = topicId,
            Title = article.Title,
            Body = article.Body,
            SourceUrls = article.SourceUrls,
            AuthorId = caller?.Id ?? Newsroom.Id,
            AuthorName = caller?.Name ?? Newsroom.Name,
            AuthorBadge = caller?.Badge,
            CreatedAt = write.Now,
            ArticleId = article.ArticleId,
            Url = article.Url,
            ClosesAt = article.ClosesAt ?? (closeAfter is { } after ? write.Now + after : null),
        };
        write.Db.Topics.Add(topic);
        var created = topic.AsTopic(counts.Zero());
        if (write.WebhooksListening)
        {
            write.Db.WebhookOutbox.Add(Webhooks.WebhookEvents.TopicCreatedRow(created, write.Now));
        }
        write.AfterCommit(() => topicList.Posted(created));
        return new ArticleWrite(created, null);
    }
}

/// <summary>
/// The article's fields onto its topic: <c>TopicUpdated</c> when anything changed, nothing when nothing did
/// (a repeated PUT is free). A later <c>closesAt</c> reopens a topic the sweep had closed.
/// </summary>
internal sealed class UpdateArticleCommand(Caller caller, string topicId, ArticleFields article) : WriteCommand<ArticleWrite>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<ArticleWrite>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (write.Topic is not { } topic || topic.ArticleId != article.ArticleId)
        {
            return Rejection.NotFound("article not found");
        }
        var closed = topic.Closed && article.ClosesAt is { } at && at <= write.Now;
        var same = topic.Title == article.Title && topic.Body == article.Body && topic.Url == article.Url
            && topic.SourceUrls.SequenceEqual(article.SourceUrls) && topic.ClosesAt == article.ClosesAt && topic.Closed == closed;
        var counts = await write.Reactions.CountsAsync(topic.Id, null, ct);
        if (same)
        {
            return new ArticleWrite(topic.AsTopic(counts), null);
        }
        // A tracked copy stores only the columns that changed; the batch stores LastSeq and the counters itself.
        var row = await write.Db.Topics.FirstAsync(t => t.Id == topic.Id, ct);
        foreach (var target in new[] { row, topic })
        {
            (target.Title, target.Body, target.Url, target.SourceUrls, target.ClosesAt, target.Closed) =
                (article.Title, article.Body, article.Url, article.SourceUrls, article.ClosesAt, closed);
        }
        var updated = write.Append(seq => new TopicUpdatedEvent(topic.Id, seq, topic.AsTopic(counts) with { LastSeq = seq }));
        return new ArticleWrite(updated.Topic, null);
    }
}

/// <summary>The close sweep's write: <c>closed: true</c> and <c>TopicUpdated</c>, once.</summary>
internal sealed class CloseTopicCommand(string topicId) : WriteCommand<Topic?>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => null;

    public override async Task<Outcome<Topic?>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (write.Topic is not { } topic || topic.Closed || topic.ClosesAt is not { } at || at > write.Now)
        {
            return (Topic?)null; // closed already (another instance's sweep), reopened, or gone
        }
        await write.Db.Topics.Where(t => t.Id == topic.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.Closed, true), ct);
        topic.Closed = true;
        var counts = await write.Reactions.CountsAsync(topic.Id, null, ct);
        var updated = write.Append(seq => new TopicUpdatedEvent(topic.Id, seq, topic.AsTopic(counts) with { LastSeq = seq }));
        return updated.Topic;
    }
}
