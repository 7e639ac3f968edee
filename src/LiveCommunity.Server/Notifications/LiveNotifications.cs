using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Notifications;

/// <summary>
/// Live notifications after commit: <c>Notified</c> and <c>NotificationsRead</c> to every connection of the reader,
/// on every instance (the hub's user group goes through the backplane). One worker per instance drains a bounded
/// set of readers, taking everything waiting for a reader at once (one unread count for all of it). When the
/// bound is reached the push is dropped and counted: the notification is stored, and the reader's next list or
/// next push brings the count back.
/// </summary>
public sealed partial class LiveNotifications : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IDiscussionClients _hub;
    private readonly NotificationsOptions _options;
    private readonly ILogger<LiveNotifications> _logger;
    private readonly Counter<long> _dropped;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public LiveNotifications(IServiceScopeFactory scopes, IDiscussionClients hub, IOptions<NotificationsOptions> options, IMeterFactory meters,
        ILogger<LiveNotifications> logger)
    {
        (_scopes, _hub, _options, _logger) = (scopes, hub, options.Value, logger);
        _dropped = meters.Create(CommunityMetrics.MeterName).CreateCounter<long>("livecommunity.notifications.live_dropped", "{push}",
            "Live notification pushes dropped because this instance's bound was reached (the notifications are stored)");
    }

    /// <summary>A notification for <paramref name="userId"/> committed.</summary>
    public void Notified(string userId, string notificationId) => Enqueue(userId, notificationId);

    /// <summary>The reader's unread count went down (read elsewhere, or a notification was withdrawn).</summary>
    public void UnreadChanged(string userId) => Enqueue(userId, null);

    private void Enqueue(string userId, string? notificationId)
    {
        lock (_pending)
        {
            if (!_pending.TryGetValue(userId, out var pending))
            {
                if (_pending.Count >= _options.MaxPendingUsers)
                {
                    _dropped.Add(1);
                    return;
                }
                _pending[userId] = pending = new Pending();
                _ready.Writer.TryWrite(userId); // unbounded, but holds at most one entry per pending reader
            }
            if (notificationId is null)
            {
                pending.UnreadChanged = true;
            }
            else if (pending.Ids.Count < _options.MaxPendingPerUser)
            {
                pending.Ids.Add(notificationId);
            }
            else
            {
                _dropped.Add(1);
                pending.UnreadChanged = true; // at least the count reaches the reader
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var userId in _ready.Reader.ReadAllAsync(stoppingToken))
        {
            Pending pending;
            lock (_pending)
            {
                _pending.Remove(userId, out pending!);
            }
            try
            {
                await SendAsync(userId, pending, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPushFailed(_logger, ex, userId);
            }
        }
    }

    private async Task SendAsync(string userId, Pending pending, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var notifications = new List<Notification>();
        foreach (var id in pending.Ids)
        {
            // Absent when withdrawn (or swept) since: nothing to tell but the count.
            if (await NotificationReads.OneAsync(db, id, ct) is { } notification)
            {
                notifications.Add(notification);
            }
        }
        var unread = await NotificationReads.UnreadAsync(db, userId, _options.MaxPerUser, ct);
        var reader = _hub.Clients.User(userId);
        foreach (var notification in notifications.OrderBy(n => n.Id, StringComparer.Ordinal))
        {
            await reader.Notified(new NotifiedEvent(notification, unread));
        }
        if (notifications.Count < pending.Ids.Count || pending.UnreadChanged)
        {
            await reader.NotificationsRead(new NotificationsReadEvent(unread));
        }
    }

    private sealed class Pending
    {
        public List<string> Ids { get; } = [];
        public bool UnreadChanged { get; set; }
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "A live notification push to {UserId} failed; the reader's next list is current")]
    private static partial void LogPushFailed(ILogger logger, Exception ex, string userId);
}
