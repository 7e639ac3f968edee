using LiveCommunity.Server.Common;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Turns reaction changes into at most one ReactionsChanged per target per window, carrying absolute
/// counts read at flush time, so a storm of a thousand reactions costs a handful of logged events.
/// Each flush is a normal logged write: it takes a seq and can be replayed.
/// </summary>
public sealed class ReactionBroadcaster
{
    private readonly KeyedThrottle<(string TopicId, string? ReplyId)> _throttle;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly CommunityMetrics _metrics;

    public ReactionBroadcaster(
        IServiceScopeFactory scopes, TimeProvider time, CommunityMetrics metrics, IOptions<ReactionsOptions> options, ILogger<ReactionBroadcaster> logger)
    {
        _metrics = metrics;
        _scopes = scopes;
        _time = time;
        _throttle = new KeyedThrottle<(string, string?)>(options.Value.CoalesceWindow, FlushAsync, time, logger);
    }

    public void Changed(string topicId, string? replyId)
    {
        if (!_throttle.Signal((topicId, replyId)))
        {
            _metrics.ReactionCoalesced();
        }
    }

    private async Task FlushAsync((string TopicId, string? ReplyId) target)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var counts = scope.ServiceProvider.GetRequiredService<ReactionCounts>();
        var publisher = scope.ServiceProvider.GetRequiredService<TopicEventPublisher>();

        await using var write = await TopicWrite.BeginAsync(db, _time, CancellationToken.None);
        var seq = await write.NextSeqAsync(target.TopicId, 0, CancellationToken.None);
        if (seq is null)
        {
            return;
        }
        if (target.ReplyId is not null && !await db.Replies.AnyAsync(r => r.Id == target.ReplyId && !r.Removed))
        {
            return; // removed meanwhile: its counts are nobody's business any more (rolled back, no seq used)
        }
        var current = await counts.ForAsync(db, target.ReplyId ?? target.TopicId);
        write.Append(new ReactionsChangedEvent(target.TopicId, seq.Seq, target.ReplyId, current));
        await write.CommitAsync(CancellationToken.None);
        await publisher.PublishAsync(write.Events, write.CommittedAt);
    }
}
