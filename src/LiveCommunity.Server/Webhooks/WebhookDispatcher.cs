using System.Collections.Concurrent;
using System.Text;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Webhooks;

/// <summary>
/// Delivers webhooks, never on the request path (DESIGN.md "Version 3 shape"). On the instance that holds the
/// <see cref="WebhookLease"/>, every <see cref="WebhooksOptions.PollInterval"/>: turn new outbox rows into one
/// delivery per subscribed webhook (in one transaction), then start the deliveries that are due. Each attempt is
/// claimed first (<c>Attempts</c> raised from the value read, in one statement), so an attempt is made once
/// whatever else runs; a crash mid-attempt leaves it to be made again, as the next attempt, once its claim runs
/// out: at least once, across restarts. Requests run in the background, at most
/// <see cref="WebhooksOptions.MaxInFlightPerWebhook"/> per receiver, so a slow receiver delays only itself.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    WebhookLease lease,
    TimeProvider time,
    IOptions<WebhooksOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int Batch = 500;
    private readonly ConcurrentDictionary<long, byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, int> _perWebhook = new(StringComparer.Ordinal);
    private DateTime _prunedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
                if (await lease.TryHoldAsync(db, o.LeaseDuration, stoppingToken))
                {
                    await FanOutAsync(db, stoppingToken);
                    await StartDueAsync(db, stoppingToken);
                    await PruneAsync(db, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, ex);
            }
            try
            {
                await Task.Delay(o.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await lease.ReleaseAsync(scope.ServiceProvider.GetRequiredService<CommunityDb>(), cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The host is already torn down (tests dispose without a graceful stop): the lease runs out by itself.
        }
        catch (Exception ex)
        {
            LogRoundFailed(logger, ex); // it runs out by itself
        }
    }

    /// <summary>New events become deliveries, and leave the outbox, in one transaction.</summary>
    private async Task FanOutAsync(CommunityDb db, CancellationToken ct)
    {
        var rows = await db.WebhookOutbox.OrderBy(r => r.Id).Take(Batch).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return;
        }
        var hooks = await db.Webhooks.AsNoTracking().ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var row in rows)
        {
            foreach (var hook in hooks.Where(h => WebhookEvents.Subscribed(h.Events, row.Type)))
            {
                db.WebhookDeliveries.Add(new WebhookDeliveryEntity
                {
                    WebhookId = hook.Id, Type = row.Type, MessageId = row.MessageId, Body = row.Body, NextAttemptAt = now,
                });
            }
        }
        db.WebhookOutbox.RemoveRange(rows);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task StartDueAsync(CommunityDb db, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.WebhookDeliveries.AsNoTracking().Where(d => !d.Done && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Take(Batch).ToListAsync(ct);
        if (due.Count == 0)
        {
            return;
        }
        var hooks = await db.Webhooks.AsNoTracking().ToDictionaryAsync(h => h.Id, ct);
        // A claim lasts as long as an attempt can: past it, a crashed holder's attempt is made again.
        var claimedUntil = now + o.Timeout * 3;
        foreach (var delivery in due)
        {
            if (!hooks.TryGetValue(delivery.WebhookId, out var hook) || _inFlight.ContainsKey(delivery.Id)
                || _perWebhook.GetValueOrDefault(delivery.WebhookId) >= o.MaxInFlightPerWebhook)
            {
                continue;
            }
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.Attempts == delivery.Attempts && !d.Done)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.Attempts, delivery.Attempts + 1).SetProperty(d => d.NextAttemptAt, claimedUntil), ct);
            if (claimed == 1)
            {
                _inFlight[delivery.Id] = 0;
                _perWebhook.AddOrUpdate(delivery.WebhookId, 1, (_, n) => n + 1);
                _ = DeliverAsync(delivery, hook, delivery.Attempts + 1, ct);
            }
        }
    }

    private async Task DeliverAsync(WebhookDeliveryEntity delivery, WebhookEntity hook, int attempt, CancellationToken ct)
    {
        int? status = null;
        string? error = null;
        try
        {
            var o = options.Value;
            if (!o.AllowPrivateNetworks && await NetworkGuard.CheckAsync(hook.Url, allowPrivate: false, ct) is { } refused)
            {
                error = "refused: the address " + refused;
            }
            else
            {
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
                {
                    Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("webhook-id", delivery.MessageId);
                request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", WebhookSignature.Sign(hook.Secret, delivery.MessageId, timestamp, delivery.Body));
                using var response = await clients.CreateClient(WebhooksApi.Client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                status = (int)response.StatusCode;
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            error = ex.GetType().Name + ": " + ex.Message;
        }
        catch (OperationCanceledException)
        {
            Release(delivery);
            return; // shutting down: the claim runs out and the attempt is made again
        }
        try
        {
            await RecordAsync(delivery, attempt, status, error);
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, ex, delivery.MessageId, hook.Id); // the claim runs out and the attempt is made again
        }
        finally
        {
            Release(delivery);
        }
    }

    private void Release(WebhookDeliveryEntity delivery)
    {
        _inFlight.TryRemove(delivery.Id, out _);
        _perWebhook.AddOrUpdate(delivery.WebhookId, 0, (_, n) => Math.Max(0, n - 1));
    }

    private async Task RecordAsync(WebhookDeliveryEntity delivery, int attempt, int? status, string? error)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var delivered = status is >= 200 and < 300;
        var givenUp = !delivered && attempt >= o.MaxAttempts;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        db.WebhookAttempts.Add(new WebhookAttemptEntity
        {
            WebhookId = delivery.WebhookId, Type = delivery.Type, MessageId = delivery.MessageId, Attempt = attempt, Status = status, At = now,
            Error = Truncate(givenUp ? $"given up after {attempt} attempts; {error ?? $"status {status}"}" : error),
        });
        await db.SaveChangesAsync(CancellationToken.None);
        var next = delivered || givenUp ? now : now + o.DelayBefore(attempt + 1);
        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Attempts == attempt)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.Done, delivered || givenUp).SetProperty(d => d.NextAttemptAt, next), CancellationToken.None);
        if (givenUp)
        {
            LogGaveUp(logger, delivery.MessageId, delivery.WebhookId, attempt);
        }
        else if (!delivered)
        {
            LogAttemptFailed(logger, delivery.MessageId, delivery.WebhookId, attempt, status, error);
        }
    }

    private static string? Truncate(string? text) => text is { Length: > 500 } ? text[..500] : text;

    /// <summary>Once a minute: old attempts and finished deliveries go.</summary>
    private async Task PruneAsync(CommunityDb db, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - _prunedAt < TimeSpan.FromMinutes(1))
        {
            return;
        }
        _prunedAt = now;
        var before = now - options.Value.AttemptLogRetention;
        await db.WebhookAttempts.Where(a => a.At < before).ExecuteDeleteAsync(ct);
        var finished = now - TimeSpan.FromHours(1);
        await db.WebhookDeliveries.Where(d => d.Done && d.NextAttemptAt < finished).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "A webhook round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information,
        Message = "Webhook {MessageId} to {WebhookId}: attempt {Attempt} failed (status {Status}, {Error}); retried on schedule")]
    private static partial void LogAttemptFailed(ILogger logger, string messageId, string webhookId, int attempt, int? status, string? error);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "Webhook {MessageId} to {WebhookId} given up after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string messageId, string webhookId, int attempts);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Warning, Message = "Could not record webhook {MessageId} to {WebhookId}; the attempt will be made again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string messageId, string webhookId);
}
