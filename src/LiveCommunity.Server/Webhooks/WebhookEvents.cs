using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Text.Json;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Webhooks;

/// <summary>
/// Webhook event names (PROTOCOL.md v3) and the outbox rows that carry them. A row is made in the transaction of
/// the change it describes, so an event is delivered if and only if its change committed.
/// </summary>
public static class WebhookEvents
{
    public const string TopicCreated = "topic.created";
    public const string TopicUpdated = "topic.updated";
    public const string ReplyPosted = "reply.posted";
    public const string ReplyEdited = "reply.edited";
    public const string ReplyRemoved = "reply.removed";
    public const string ReplyRestored = "reply.restored";
    public const string ReplyHeld = "reply.held";
    public const string ReportCreated = "report.created";
    public const string QueueDecided = "queue.decided";
    public const string UserBanned = "user.banned";
    public const string UpdatePosted = "update.posted";
    public const string All = "*";

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        TopicCreated, TopicUpdated, ReplyPosted, ReplyEdited, ReplyRemoved, ReplyRestored,
        ReplyHeld, ReportCreated, QueueDecided, UserBanned, UpdatePosted,
    };

    // Non-ASCII text as it is (as in the event log): receivers parse JSON, never embed it in HTML unescaped.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The outbox row for a topic event that webhooks hear of; null for the others (reactions).</summary>
    public static WebhookOutboxEntity? From(TopicEvent evt, TopicEntity topic, DateTime at) => evt switch
    {
        ReplyPostedEvent e => Row(ReplyPosted, at, ReplyData(topic, e.Seq, e.Reply)),
        ReplyEditedEvent e => Row(ReplyEdited, at, ReplyData(topic, e.Seq, e.Reply)),
        ReplyRestoredEvent e => Row(ReplyRestored, at, ReplyData(topic, e.Seq, e.Reply)),
        // Never the removed text: the reply is named by its id only.
        ReplyRemovedEvent e => Row(ReplyRemoved, at, ReplyData(topic, e.Seq, new { id = e.ReplyId, topicId = topic.Id })),
        TopicUpdatedEvent e => Row(TopicUpdated, at, new { topicId = topic.Id, articleId = topic.ArticleId, seq = e.Seq, topic = e.Topic }),
        _ => null,
    };

    public static WebhookOutboxEntity TopicCreatedRow(Topic topic, DateTime at) =>
        Row(TopicCreated, at, new { topicId = topic.Id, articleId = topic.ArticleId, seq = 0, topic });

    /// <summary>An outbox row for any event: <paramref name="data"/> is serialized as the body's <c>data</c>.</summary>
    public static WebhookOutboxEntity Row(string type, DateTime at, object data)
    {
        var body = new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = JsonSerializer.SerializeToNode(at, Json),
            ["data"] = JsonSerializer.SerializeToNode(data, data.GetType(), Json),
        };
        return new WebhookOutboxEntity
        {
            Type = type,
            MessageId = "msg_" + Guid.CreateVersion7().ToString("N"),
            Body = body.ToJsonString(Json),
            At = at,
        };
    }

    private static object ReplyData(TopicEntity topic, long seq, object reply) =>
        new { topicId = topic.Id, articleId = topic.ArticleId, seq, reply };

    /// <summary>
    /// Drops every webhook event not yet delivered that carries the reply (an erasure: PROTOCOL.md promises no
    /// event ever for an erased reply, and its text must leave storage). Bodies are matched by the reply's id as
    /// the JSON names it; the outbox and the undelivered rows are small, and erasures are rare.
    /// </summary>
    public static async Task ForgetReplyAsync(CommunityDb db, string replyId, CancellationToken ct)
    {
        var marker = $"\"id\":\"{replyId}\"";
        await db.WebhookOutbox.Where(o => o.Body.Contains(marker)).ExecuteDeleteAsync(ct);
        await db.WebhookDeliveries.Where(d => d.Body.Contains(marker)).ExecuteDeleteAsync(ct);
    }

    public static bool Subscribed(IReadOnlyCollection<string> events, string type) => events.Contains(All) || events.Contains(type);
}
