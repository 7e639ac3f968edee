using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Tells moderators watching the queue (the hub group <see cref="Group"/>, on every instance through the
/// backplane) that an item came or went, with fresh counts. Called after the change committed.
/// </summary>
public sealed partial class QueueNotifier(
    IServiceScopeFactory scopes, IDiscussionClients hub, ILogger<QueueNotifier> logger)
{
    public const string Group = "moderation-queue";

    public static async Task<QueueCounts> CountsAsync(CommunityDb db, string? topicId, CancellationToken ct)
    {
        var queued = db.Replies.AsNoTracking().Where(r => r.QueueState != null);
        if (topicId is not null)
        {
            queued = queued.Where(r => r.TopicId == topicId);
        }
        var counts = await queued.GroupBy(r => r.QueueState).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(ct);
        return new QueueCounts(
            counts.FirstOrDefault(c => c.State == QueueStates.Reported)?.Count ?? 0,
            counts.FirstOrDefault(c => c.State == QueueStates.Pending)?.Count ?? 0);
    }

    /// <summary>Sends QueueChanged in the background; a failure is logged, the moderators' next reload catches up.</summary>
    public void Changed(string replyId, string topicId, string state) => _ = SendAsync(replyId, topicId, state);

    private async Task SendAsync(string replyId, string topicId, string state)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var counts = await CountsAsync(scope.ServiceProvider.GetRequiredService<CommunityDb>(), null, CancellationToken.None);
            await hub.Clients.Group(Group).QueueChanged(new QueueChangedEvent(replyId, topicId, state, counts));
        }
        catch (Exception ex)
        {
            LogNotifyFailed(logger, ex, replyId);
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Telling moderators that {ReplyId} changed in the queue failed")]
    private static partial void LogNotifyFailed(ILogger logger, Exception ex, string replyId);
}
