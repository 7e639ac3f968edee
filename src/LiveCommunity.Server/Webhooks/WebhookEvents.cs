using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Text.Json;
using LiveCommunity.Server.Auth;
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
        // Never a quoted reply's text: that reply may be removed or erased later, and a delivered body cannot be taken
        // back. The quote is named by the reply's id only.
        UpdatePostedEvent e => Row(UpdatePosted, at, new
        {
            topicId = topic.Id, articleId = topic.ArticleId, seq = e.Seq, update = e.Update with { Quote = null }, quoteReplyId = e.Update.Quote?.ReplyId,
        }),
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

    // The events below have no topic event behind them. Every one that concerns a reply names it as
    // `reply: {id, topicId}` (held: the whole reply), so an erasure finds and forgets it like the others.

    /// <summary><c>reply.held</c>: held for review (a new reply, or an edit); no seq, readers saw nothing of it.</summary>
    public static object HeldData(TopicEntity topic, Reply reply) =>
        new { topicId = topic.Id, articleId = topic.ArticleId, seq = (long?)null, reply };

    /// <summary><c>report.created</c>: a first report of a reply by one reader (never the reporter, never the text).</summary>
    public static object ReportData(TopicEntity topic, string replyId, string reason, int reportCount, bool hidden) =>
        new { topicId = topic.Id, articleId = topic.ArticleId, reply = new { id = replyId, topicId = topic.Id }, reason, reportCount, hidden };

    /// <summary><c>queue.decided</c>: a moderator approved or rejected a queued reply.</summary>
    public static object DecisionData(TopicEntity topic, string replyId, string decision, Caller moderator, string? reason) =>
        new
        {
            topicId = topic.Id, articleId = topic.ArticleId, reply = new { id = replyId, topicId = topic.Id }, decision,
            moderator = new { id = moderator.Id, name = moderator.Name }, reason,
        };

    /// <summary><c>user.banned</c>: a user newly banned (replies removed with it each come as <c>reply.removed</c>).</summary>
    public static object BanData(string userId, Caller moderator, string? reason, bool removeReplies) =>
        new { userId, moderator = new { id = moderator.Id, name = moderator.Name }, reason, removeReplies };

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
