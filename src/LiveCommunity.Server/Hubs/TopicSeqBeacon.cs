using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// Sends <c>TopicSeq {topicId, lastSeq}</c> so watchers that missed events catch up even in a quiet topic, where no
/// later event's seq would show them the gap (PROTOCOL.md v3): to this instance's watchers of every topic they
/// watch every <see cref="RealtimeOptions.SeqHeartbeat"/>, and when the delivery manager reports a gap once the
/// backplane works again: to this instance's watchers after an outage (they missed what other instances sent), or
/// through the backplane to a topic's watchers everywhere after a publish from here failed. A client whose last
/// applied seq is lower calls <c>Watch(topicId, lastApplied)</c>.
/// </summary>
public sealed partial class TopicSeqBeacon : BackgroundService
{
    /// <summary>Topic ids per database read: one round trip for many topics, a bounded parameter list.</summary>
    private const int TopicsPerRead = 200;

    private readonly LocalDeliveryHubLifetimeManager<DiscussionHub>? _delivery;
    private readonly IHubContext<DiscussionHub, IDiscussionClient> _hub;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly ILogger<TopicSeqBeacon> _logger;

    public TopicSeqBeacon(HubLifetimeManager<DiscussionHub> lifetimeManager, IHubContext<DiscussionHub, IDiscussionClient> hub,
        IServiceScopeFactory scopes, TimeProvider time, IOptions<RealtimeOptions> options, ILogger<TopicSeqBeacon> logger)
    {
        (_hub, _scopes, _time, _heartbeat, _logger) = (hub, scopes, time, options.Value.SeqHeartbeat, logger);
        _delivery = lifetimeManager as LocalDeliveryHubLifetimeManager<DiscussionHub>;
        if (_delivery is not null)
        {
            _delivery.Missed += (groups, gap) => _ = SendAsync(groups, gap == DeliveryGap.LocalMembers, CancellationToken.None);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_delivery is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(_heartbeat, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SendAsync(_delivery.LocalGroupNames, localOnly: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <param name="localOnly">To this instance's members only (each instance beats for its own watchers).</param>
    private async Task SendAsync(IReadOnlyList<string> groups, bool localOnly, CancellationToken ct)
    {
        var topicIds = groups.Select(TopicEventPublisher.TopicOf).OfType<string>().ToArray();
        try
        {
            foreach (var chunk in topicIds.Chunk(TopicsPerRead))
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
                var topics = await db.Topics.AsNoTracking().Where(t => chunk.Contains(t.Id))
                    .Select(t => new { t.Id, t.LastSeq }).ToListAsync(ct);
                foreach (var topic in topics)
                {
                    var group = TopicEventPublisher.GroupOf(topic.Id);
                    var evt = new TopicSeqEvent(topic.Id, topic.LastSeq);
                    if (localOnly)
                    {
                        _delivery!.SendLocal(group, nameof(IDiscussionClient.TopicSeq), [evt]);
                    }
                    else
                    {
                        await _hub.Clients.Group(group).TopicSeq(evt);
                    }
                }
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The next heartbeat tries again; a watcher catches up then.
            LogSendFailed(_logger, ex, topicIds.Length);
        }
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Sending TopicSeq for {Count} topics failed; the next heartbeat sends it")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, int count);
}

/// <summary>Configuration section "Realtime".</summary>
public sealed class RealtimeOptions
{
    /// <summary>How often each instance tells its watchers every watched topic's last seq (TopicSeq).</summary>
    public TimeSpan SeqHeartbeat { get; set; } = TimeSpan.FromSeconds(30);
}
