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
        var watched = groups.Select(TopicEventPublisher.TopicOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var updatesWatched = groups.Select(TopicEventPublisher.UpdatesTopicOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var topicIds = watched.Union(updatesWatched).ToArray();
        try
        {
            foreach (var chunk in topicIds.Chunk(TopicsPerRead))
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
                var topics = await db.Topics.AsNoTracking().Where(t => chunk.Contains(t.Id))
                    .Select(t => new { t.Id, t.LastSeq, t.LastUpdateSeq }).ToListAsync(ct);
                foreach (var topic in topics)
                {
                    if (watched.Contains(topic.Id))
                    {
                        await SendAsync(TopicEventPublisher.GroupOf(topic.Id), nameof(IDiscussionClient.TopicSeq),
                            new TopicSeqEvent(topic.Id, topic.LastSeq), localOnly);
                    }
                    // Updates-only watchers compare with the newest update's seq: replies move LastSeq every moment,
                    // and a live blog's crowd must not ask for a replay for each of them.
                    if (updatesWatched.Contains(topic.Id))
                    {
                        await SendAsync(TopicEventPublisher.UpdatesGroupOf(topic.Id), nameof(IDiscussionClient.UpdatesSeq),
                            new TopicSeqEvent(topic.Id, topic.LastUpdateSeq), localOnly);
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

    private async Task SendAsync(string group, string method, TopicSeqEvent evt, bool localOnly)
    {
        if (localOnly)
        {
            _delivery!.SendLocal(group, method, [evt], paced: true);
        }
        else
        {
            var clients = _hub.Clients.Group(group);
            await (method == nameof(IDiscussionClient.TopicSeq) ? clients.TopicSeq(evt) : clients.UpdatesSeq(evt));
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
