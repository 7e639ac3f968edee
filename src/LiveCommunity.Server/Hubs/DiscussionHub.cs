using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// /hubs/discussion (PROTOCOL.md "Hub"). Anyone may watch; writing needs a token. Writes go through the
/// same services as REST. A refused call raises a HubException that says why; the connection stays open.
/// </summary>
public sealed partial class DiscussionHub(
    CommunityDb db,
    EventLog eventLog,
    IPresence presence,
    PresenceBroadcaster presenceBroadcaster,
    ReplyService replies,
    ReactionService reactions,
    IOptions<LimitsOptions> limits,
    CommunityMetrics metrics,
    ILogger<DiscussionHub> logger) : Hub<IDiscussionClient>
{
    private const string WatchedKey = "watched";
    public const string ReplayLimitName = "replays";

    public async Task<WatchResult> Watch(string topicId, long? afterSeq)
    {
        if (string.IsNullOrWhiteSpace(topicId))
        {
            throw new HubException("topicId must not be empty");
        }
        var watched = Watched();
        if (!watched.Contains(topicId) && watched.Count >= limits.Value.MaxWatchedTopics)
        {
            throw new HubException($"a connection may watch at most {limits.Value.MaxWatchedTopics} topics; unwatch one first");
        }
        // The topic first: an unknown id joins no group and leaves nothing behind.
        var lastSeq = await LastSeqAsync(topicId);
        if (lastSeq is null)
        {
            throw new HubException("topic not found");
        }
        TakeReplay(afterSeq, lastSeq.Value);
        // Join first, read the log second: an event committed in between arrives live and maybe in
        // `missed` too (clients drop the duplicate seq), but never in neither.
        var group = TopicEventPublisher.GroupOf(topicId);
        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
        lastSeq = await LastSeqAsync(topicId);
        if (lastSeq is null)
        {
            // Deleted in between (topics are not deleted today; this keeps the group table clean if they ever are).
            if (!watched.Contains(topicId))
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
            }
            throw new HubException("topic not found");
        }
        int watchers;
        bool added;
        lock (watched)
        {
            added = watched.Add(topicId);
        }
        if (added)
        {
            watchers = await presence.JoinAsync(topicId, Context.ConnectionId);
            presenceBroadcaster.Changed(topicId);
            metrics.Watched(topicId);
            if (Context.ConnectionAborted.IsCancellationRequested)
            {
                // The connection closed while this call ran; OnDisconnectedAsync may already have cleaned up.
                await LeaveAsync(topicId);
                throw new HubException("the connection closed");
            }
        }
        else
        {
            watchers = await presence.CountAsync(topicId);
        }
        var replay = await eventLog.ReplayAsync(db, topicId, lastSeq.Value, afterSeq, Context.ConnectionAborted);
        LogWatch(logger, Context.ConnectionId, topicId, afterSeq, replay.Missed.Count, replay.Reset);
        if (afterSeq is not null)
        {
            metrics.Replayed(replay.Missed.Count, replay.Reset);
        }
        return new WatchResult(topicId, replay.LastSeq, watchers, replay.Reset, replay.Missed);
    }

    private Task<long?> LastSeqAsync(string topicId) => LastSeqOf.For(db)(db, topicId, Context.ConnectionAborted);

    // Compiled once: every Watch reads it twice, and a crowd reconnecting after a deploy is hundreds of Watches a
    // second; building the query each time (parameter extraction, the query cache's lookup) cost as much as running
    // it (profiled, bench/findings.md).
    private static readonly CompiledQuery<Func<CommunityDb, string, CancellationToken, Task<long?>>> LastSeqOf = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string topicId, CancellationToken ct) => db.Topics.Where(t => t.Id == topicId).Select(t => (long?)t.LastSeq).FirstOrDefault()));

    public async Task Unwatch(string topicId)
    {
        if (string.IsNullOrWhiteSpace(topicId))
        {
            throw new HubException("topicId must not be empty");
        }
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicEventPublisher.GroupOf(topicId));
        await LeaveAsync(topicId);
        LogUnwatch(logger, Context.ConnectionId, topicId);
    }

    /// <summary>Moderators and admins: QueueChanged from every instance, and the queue's counts now.</summary>
    public async Task<QueueWatchResult> WatchQueue()
    {
        if (Caller.From(Context.User) is not { IsModerator: true })
        {
            throw new HubException(Context.User?.Identity?.IsAuthenticated == true
                ? "only moderators and admins watch the moderation queue"
                : "sign in as a moderator to watch the moderation queue");
        }
        // Join first, count second: a change in between is counted, or announced, or both; never neither.
        await Groups.AddToGroupAsync(Context.ConnectionId, QueueNotifier.Group, Context.ConnectionAborted);
        return new QueueWatchResult(await QueueNotifier.CountsAsync(db, null, Context.ConnectionAborted));
    }

    public Task UnwatchQueue() => Groups.RemoveFromGroupAsync(Context.ConnectionId, QueueNotifier.Group);

    // Leaves presence once per watched topic, whichever of Unwatch, a closing Watch or the disconnect gets there first.
    private async Task LeaveAsync(string topicId)
    {
        var watched = Watched();
        bool removed;
        lock (watched)
        {
            removed = watched.Remove(topicId);
        }
        if (removed)
        {
            await presence.LeaveAsync(topicId, Context.ConnectionId);
            presenceBroadcaster.Changed(topicId);
            metrics.Unwatched(topicId);
        }
    }

    public async Task<Reply> PostReply(string topicId, string body, string? parentId) =>
        Unwrap(await replies.PostAsync(Caller.From(Context.User), topicId, new NewReply(body, parentId), Context.ConnectionAborted));

    public async Task<ReactionsResult> SetReaction(string topicId, string? replyId, string kind, bool on) =>
        Unwrap(await reactions.SetAsync(Caller.From(Context.User), topicId, replyId, kind, on, Context.ConnectionAborted));

    public override Task OnConnectedAsync()
    {
        metrics.ConnectionOpened();
        LogConnected(logger, Context.ConnectionId, Context.UserIdentifier is not null);
        return base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        string[] topics;
        var watched = Watched();
        lock (watched)
        {
            topics = [.. watched];
        }
        foreach (var topicId in topics)
        {
            await LeaveAsync(topicId);
        }
        await LeaveListAsync();
        await LeaveStatsAsync();
        metrics.ConnectionClosed();
        LogDisconnected(logger, exception, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    // Invocations of one connection run one at a time, but OnDisconnectedAsync can overlap the last one:
    // the set is locked for that.
    private HashSet<string> Watched() => ItemSet(WatchedKey);

    /// <summary>A set of ids kept in the connection's items under <paramref name="key"/>, made on first use.</summary>
    private HashSet<string> ItemSet(string key)
    {
        if (Context.Items.TryGetValue(key, out var value) && value is HashSet<string> set)
        {
            return set;
        }
        set = new HashSet<string>(StringComparer.Ordinal);
        Context.Items[key] = set;
        return set;
    }

    private static T Unwrap<T>(Outcome<T> outcome) =>
        outcome.Rejection is { } rejection ? throw new HubException(rejection.Detail) : outcome.Value!;

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened (signed in: {SignedIn})")]
    private static partial void LogConnected(ILogger logger, string connectionId, bool signedIn);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed")]
    private static partial void LogDisconnected(ILogger logger, Exception? exception, string connectionId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Connection {ConnectionId} unwatched {TopicId}")]
    private static partial void LogUnwatch(ILogger logger, string connectionId, string topicId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} watches {TopicId} after seq {AfterSeq}: {Missed} missed events, reset {Reset}")]
    private static partial void LogWatch(ILogger logger, string connectionId, string topicId, long? afterSeq, int missed, bool reset);
}
