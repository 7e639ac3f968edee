using System.Text.Json.Serialization;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Protocol;

/// <summary>A topic as PROTOCOL.md shapes it on the wire.</summary>
public sealed record Topic(
    string Id,
    string Title,
    string Body,
    IReadOnlyList<string> SourceUrls,
    Author Author,
    DateTime CreatedAt,
    bool Locked,
    bool Premoderated,
    int ReplyCount,
    IReadOnlyDictionary<string, int> Reactions,
    long LastSeq)
{
    /// <summary>The host site's id of the article it discusses (PROTOCOL.md v3 "Articles"); null for other topics.</summary>
    public string? ArticleId { get; init; }

    public string? Url { get; init; }

    public DateTime? ClosesAt { get; init; }

    /// <summary>Takes no new replies: set once <see cref="ClosesAt"/> has passed.</summary>
    public bool Closed { get; init; }

    /// <summary>Live updates of the topic (PROTOCOL.md v3 "Live updates"), deleted ones not counted.</summary>
    public int UpdateCount { get; init; }

    /// <summary>The reaction kinds the caller has set on it: REST answers only (events never carry it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Mine { get; init; }
}

public sealed record NewTopic(string? Title, string? Body, List<string>? SourceUrls);

public static class TopicMappings
{
    public static Topic AsTopic(this TopicEntity topic, IReadOnlyDictionary<string, int> reactions) => new(
        topic.Id, topic.Title, topic.Body, topic.SourceUrls, new Author(topic.AuthorId, topic.AuthorName) { Badge = topic.AuthorBadge },
        topic.CreatedAt, topic.Locked, topic.Premoderated, topic.ReplyCount, reactions, topic.LastSeq)
    {
        ArticleId = topic.ArticleId,
        Url = topic.Url,
        ClosesAt = topic.ClosesAt,
        Closed = topic.Closed,
        UpdateCount = topic.UpdateCount,
    };
}
