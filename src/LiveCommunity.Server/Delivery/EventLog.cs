using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Delivery;

/// <summary>Reading, scrubbing and pruning the per-topic event log that Watch replays from.</summary>
public sealed class EventLog(IOptions<EventLogOptions> options, TimeProvider time)
{
    // Stored JSON keeps non-ASCII text as it is (the default escapes every Cyrillic or CJK character to six);
    // the relaxed encoder leaves HTML-sensitive characters unescaped too, which is safe here because stored
    // events are only ever read back by Read below and re-serialized for the wire (SignalR, REST), never
    // written into HTML as they are.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string RemovedType = nameof(IDiscussionClient.ReplyRemoved);
    private static readonly string UpdateRemovedType = nameof(IDiscussionClient.UpdateRemoved);

    public static TopicEventEntity ToEntity(TopicEvent evt, DateTime at) => new()
    {
        TopicId = evt.TopicId,
        Seq = evt.Seq,
        Type = TypeOf(evt),
        ReplyId = ContentReplyId(evt),
        Data = JsonSerializer.Serialize(evt, Json),
        At = at,
    };

    public static string TypeOf(TopicEvent evt) => evt switch
    {
        ReplyPostedEvent => nameof(IDiscussionClient.ReplyPosted),
        ReplyEditedEvent => nameof(IDiscussionClient.ReplyEdited),
        ReplyRemovedEvent => RemovedType,
        ReplyRestoredEvent => nameof(IDiscussionClient.ReplyRestored),
        ReplyFeaturedEvent => nameof(IDiscussionClient.ReplyFeatured),
        ReactionsChangedEvent => nameof(IDiscussionClient.ReactionsChanged),
        TopicUpdatedEvent => nameof(IDiscussionClient.TopicUpdated),
        UpdatePostedEvent => nameof(IDiscussionClient.UpdatePosted),
        UpdateEditedEvent => nameof(IDiscussionClient.UpdateEdited),
        UpdateRemovedEvent => UpdateRemovedType,
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "not a logged event"),
    };

    // The reply (or live update: its id has another prefix) whose text an event carries; these are the rows a
    // removal must scrub.
    private static string? ContentReplyId(TopicEvent evt) => evt switch
    {
        ReplyPostedEvent e => e.Reply.Id,
        ReplyEditedEvent e => e.Reply.Id,
        ReplyRestoredEvent e => e.Reply.Id,
        ReplyRemovedEvent e => e.ReplyId,
        UpdatePostedEvent e => e.Update.Id,
        UpdateEditedEvent e => e.Update.Id,
        UpdateRemovedEvent e => e.UpdateId,
        _ => null,
    };

    /// <summary>
    /// Turns every logged event that carries the reply's text into a ReplyRemoved of the same seq, in the
    /// removal's own transaction: once removed, the text cannot come back through replay.
    /// </summary>
    public static Task ScrubReplyAsync(CommunityDb db, string topicId, string replyId, CancellationToken ct) =>
        db.TopicEvents
            .Where(e => e.TopicId == topicId && e.ReplyId == replyId && e.Type != RemovedType)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Type, RemovedType).SetProperty(e => e.Data, (string?)null), ct);

    /// <summary>The same for a deleted live update: every logged event of it becomes an UpdateRemoved of the same seq.</summary>
    public static Task ScrubUpdateAsync(CommunityDb db, string topicId, string updateId, CancellationToken ct) =>
        db.TopicEvents
            .Where(e => e.TopicId == topicId && e.ReplyId == updateId && e.Type != UpdateRemovedType)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Type, UpdateRemovedType).SetProperty(e => e.Data, (string?)null), ct);

    /// <summary>
    /// Rewrites every logged event that carries the text of <paramref name="contentId"/> (a reply or a live
    /// update) through <paramref name="change"/>, in the caller's transaction: for a change that must reach
    /// replay too, such as a quote that left an update with the reply it quoted. At most the topic's kept events.
    /// </summary>
    public static async Task RewriteAsync(CommunityDb db, string topicId, string contentId, Func<TopicEvent, TopicEvent> change, CancellationToken ct)
    {
        var rows = await db.TopicEvents.Where(e => e.TopicId == topicId && e.ReplyId == contentId && e.Data != null).ToListAsync(ct);
        foreach (var row in rows)
        {
            row.Data = JsonSerializer.Serialize(change(Read(row)), Json);
        }
    }

    /// <summary>
    /// Events after <paramref name="afterSeq"/> up to the topic's current seq, or a reset when some of them
    /// are no longer kept (too many, too old, pruned), when they are more than one replay may carry
    /// (EventLog:MaxReplayEvents, MaxReplayBytes), or when the client claims a seq the topic never reached.
    /// Rows are read one by one, so a replay too large to send is never held in memory whole.
    /// </summary>
    public async Task<(long LastSeq, bool Reset, IReadOnlyList<TopicEvent> Missed)> ReplayAsync(
        CommunityDb db, string topicId, long lastSeq, long? afterSeq, CancellationToken ct)
    {
        if (afterSeq is null || afterSeq == lastSeq)
        {
            return (lastSeq, false, []);
        }
        var limits = options.Value;
        if (afterSeq < 0 || afterSeq > lastSeq || lastSeq - afterSeq > Math.Min(limits.MaxEventsPerTopic, limits.MaxReplayEvents))
        {
            return (lastSeq, true, []);
        }
        var oldestKept = time.GetUtcNow().UtcDateTime - limits.MaxAge;
        var missed = new List<TopicEvent>((int)(lastSeq - afterSeq.Value));
        var expected = afterSeq.Value + 1;
        long bytes = 0;
        var rows = db.TopicEvents.AsNoTracking()
            .Where(e => e.TopicId == topicId && e.Seq > afterSeq && e.Seq <= lastSeq)
            .OrderBy(e => e.Seq)
            .AsAsyncEnumerable()
            .WithCancellation(ct);
        await foreach (var row in rows)
        {
            bytes += row.Data is null ? 0 : Encoding.UTF8.GetByteCount(row.Data);
            if (row.Seq != expected || (expected == afterSeq + 1 && row.At < oldestKept) || bytes > limits.MaxReplayBytes)
            {
                return (lastSeq, true, []);
            }
            missed.Add(Read(row));
            expected++;
        }
        return expected == lastSeq + 1 ? (lastSeq, false, missed) : (lastSeq, true, []);
    }

    private static TopicEvent Read(TopicEventEntity row) =>
        row.Type == UpdateRemovedType ? new UpdateRemovedEvent(row.TopicId, row.Seq, row.ReplyId ?? "")
        : row.Type == RemovedType || row.Data is null
            ? new ReplyRemovedEvent(row.TopicId, row.Seq, row.ReplyId ?? "")
            : JsonSerializer.Deserialize<TopicEvent>(row.Data, Json)
              ?? throw new InvalidOperationException($"event {row.TopicId}/{row.Seq} has no data");

    /// <summary>Deletes events beyond retention: older than MaxAge, or more than MaxEventsPerTopic behind the topic.</summary>
    public Task<int> PruneAsync(CommunityDb db, CancellationToken ct)
    {
        var retention = options.Value;
        var oldestKept = time.GetUtcNow().UtcDateTime - retention.MaxAge;
        long keep = retention.MaxEventsPerTopic;
        return db.TopicEvents
            .Where(e => e.At < oldestKept
                        || e.Seq <= db.Topics.Where(t => t.Id == e.TopicId).Select(t => t.LastSeq).FirstOrDefault() - keep)
            .ExecuteDeleteAsync(ct);
    }
}
