using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>
/// The time the mailer decides by. The app's clock, except in tests, which move it forward to make a digest due
/// instead of waiting for it.
/// </summary>
public sealed class EmailClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}

/// <summary>
/// Sends notification email, never on the request path, from every instance (PROTOCOL.md v3 "Notifications"):
/// every <see cref="EmailOptions.MailerInterval"/>, it reads the readers with waiting notifications
/// (<see cref="EmailOutbox"/>), skips those with no address, email off or an open hub connection, and for each
/// reader whose email is due claims them, builds ONE message with everything waiting, sends it and marks it sent.
/// A failed send leaves the notifications waiting and retries later, with backoff. A crash between the send and the
/// marking sends that email again after the claim runs out: at least once.
/// </summary>
public sealed partial class EmailMailer(
    IServiceScopeFactory scopes,
    UserConnections connections,
    UnsubscribeTokens tokens,
    EmailClock clock,
    TimeProvider time,
    IOptions<EmailOptions> options,
    ILogger<EmailMailer> logger) : BackgroundService
{
    /// <summary>Notifications one email takes from the outbox at most; the rest wait for the next one.</summary>
    public const int MaxTakenPerEmail = 200;

    private readonly string _holder = $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 100)]}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            // Anything but our own shutdown is logged and tried again next pass: an exception escaping a
            // BackgroundService stops the whole host.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }
            try
            {
                await Task.Delay(options.Value.MailerInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One pass: at most <see cref="EmailOptions.MaxEmailsPerPass"/> emails.</summary>
    internal async Task PassAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<EmailOutbox>();
        var now = clock.Time.GetUtcNow().UtcDateTime;
        var waiting = await outbox.WaitingAsync(o.MaxEmailsPerPass * 4, ct);
        if (waiting.Count == 0)
        {
            return;
        }
        var ids = waiting.Select(w => w.UserId).ToList();
        var settings = (await outbox.SettingsAsync(ids, ct)).ToDictionary(s => s.UserId, StringComparer.Ordinal);
        var connected = await connections.ConnectedAsync(ids);
        var skipped = new List<string>();
        var due = new List<string>();
        for (var i = 0; i < waiting.Count; i++)
        {
            var reader = waiting[i];
            if (!settings.TryGetValue(reader.UserId, out var s) || s.Email is null || EmailPreferences.ModeOf(s.Mode) == EmailPreferences.Off
                || connected[i])
            {
                skipped.Add(reader.UserId); // seen live, or nowhere to send: never emailed, even later
            }
            else if (DueAt(s, reader.First, o) <= now && !(s.ClaimedUntil > now) && due.Count < o.MaxEmailsPerPass)
            {
                due.Add(reader.UserId);
            }
        }
        if (skipped.Count > 0)
        {
            await outbox.SkipAsync(skipped, now, ct);
        }
        await using var sender = new SenderScope(scope.ServiceProvider.GetRequiredService<IEmailSender>());
        foreach (var userId in due)
        {
            await EmailAsync(outbox, sender.Sender, userId, now, ct);
        }
    }

    /// <summary>Digest: EmailEvery after the first waiting one; immediate: at once. Either way EmailEvery after the last email.</summary>
    internal static DateTime DueAt(EmailSettingsEntity s, DateTime first, EmailOptions o)
    {
        var due = EmailPreferences.ModeOf(s.Mode) == EmailPreferences.Immediate ? first : first + o.EmailEvery;
        if (s.LastEmailedAt is { } last && last + o.EmailEvery > due)
        {
            due = last + o.EmailEvery;
        }
        return s.RetryAt is { } retry && retry > due ? retry : due;
    }

    private async Task EmailAsync(EmailOutbox outbox, IEmailSender sender, string userId, DateTime now, CancellationToken ct)
    {
        var o = options.Value;
        if (!await outbox.ClaimAsync(userId, _holder, now, now + o.ClaimDuration, ct))
        {
            return; // another instance has them
        }
        // Read again under the claim: another instance may have just emailed them, or they changed their mind.
        var (items, read) = await outbox.ItemsAsync(userId, MaxTakenPerEmail, ct);
        var s = (await outbox.SettingsAsync([userId], ct)).Single();
        if (items.Count == 0 || s.Email is null || EmailPreferences.ModeOf(s.Mode) == EmailPreferences.Off)
        {
            await outbox.DoneAsync(userId, _holder, [], [.. items.Select(i => i.Id), .. read], emailedAt: null, ct);
            return;
        }
        var listed = items.Take(o.MaxItemsPerEmail).ToList();
        var unsubscribe = $"{o.PublicUrl!.TrimEnd('/')}/api/me/email/unsubscribe?token={Uri.EscapeDataString(tokens.For(userId))}";
        try
        {
            await sender.SendAsync(EmailMessage.Build(o, s.Email, listed, items.Count - listed.Count, unsubscribe), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var delay = TimeSpan.FromTicks(Math.Min(o.MaxRetryDelay.Ticks, o.RetryDelay.Ticks << Math.Min(s.Failures, 20)));
            LogSendFailed(logger, ex, userId, s.Failures + 1, delay);
            await outbox.FailedAsync(userId, _holder, now + delay, CancellationToken.None);
            await sender.CloseAsync();
            return;
        }
        // Marked even if the host is stopping: the email has gone, and sending it again is what this avoids.
        await outbox.DoneAsync(userId, _holder, [.. items.Select(i => i.Id)], read, emailedAt: now, CancellationToken.None);
        LogSent(logger, userId, items.Count);
    }

    /// <summary>Closes the pass's SMTP connection, if it opened one.</summary>
    private sealed class SenderScope(IEmailSender sender) : IAsyncDisposable
    {
        public IEmailSender Sender => sender;

        public async ValueTask DisposeAsync() => await sender.CloseAsync();
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Notification email pass failed; will try again")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning,
        Message = "Notification email to user {UserId} failed ({Failures} in a row); trying again in {Delay}")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, string userId, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Debug, Message = "Notification email to user {UserId} sent with {Count} notifications")]
    private static partial void LogSent(ILogger logger, string userId, int count);
}
