using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>A reader with notifications waiting to be emailed, and when the first of them came.</summary>
public sealed record WaitingReader(string UserId, DateTime First);

/// <summary>
/// The mailer's durable outbox is the Notifications table itself: a notification is written with EmailState 0
/// (waiting) in the transaction that creates it, and leaves that state only when it was emailed (1) or is not to
/// be (2). A partial index keeps the waiting ones a short range whatever the table's size. Readers are claimed one
/// at a time with a conditional UPDATE on their EmailSettings row, so two instances never email the same reader at
/// once; the notifications are read after the claim, so an instance that claims after another one's send finds
/// them emailed already.
/// </summary>
public sealed class EmailOutbox(CommunityDb db)
{
    public const byte Waiting = 0;
    public const byte Emailed = 1;
    public const byte NotEmailed = 2;

    /// <summary>The readers with waiting notifications, those waiting longest first.</summary>
    public async Task<List<WaitingReader>> WaitingAsync(int limit, CancellationToken ct) =>
        [.. (await InOutbox(db.Notifications).GroupBy(n => n.UserId)
            .Select(g => new { UserId = g.Key, First = g.Min(n => n.At) })
            .OrderBy(r => r.First).Take(limit).ToListAsync(ct)).Select(r => new WaitingReader(r.UserId, r.First))];

    public Task<List<EmailSettingsEntity>> SettingsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct) =>
        db.EmailSettings.AsNoTracking().Where(s => userIds.Contains(s.UserId)).ToListAsync(ct);

    /// <summary>Marks what is waiting for these readers, up to now, as not to be emailed (no address, email off, read live).</summary>
    public Task<int> SkipAsync(IReadOnlyCollection<string> userIds, DateTime upTo, CancellationToken ct) =>
        InOutbox(db.Notifications).Where(n => userIds.Contains(n.UserId) && n.At <= upTo)
            .ExecuteUpdateAsync(set => set.SetProperty(n => EF.Property<byte>(n, EmailModel.EmailState), NotEmailed), ct);

    /// <summary>Takes the reader for this instance until <paramref name="until"/>, unless another instance holds them.</summary>
    public async Task<bool> ClaimAsync(string userId, string holder, DateTime now, DateTime until, CancellationToken ct) =>
        await db.EmailSettings.Where(s => s.UserId == userId && (s.ClaimedUntil == null || s.ClaimedUntil < now || s.ClaimedBy == holder))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.ClaimedBy, holder).SetProperty(s => s.ClaimedUntil, until), ct) == 1;

    /// <summary>The reader's waiting notifications, oldest first: unread ones as items, already read ones to be skipped.</summary>
    public async Task<(List<EmailItem> Items, List<string> Read)> ItemsAsync(string userId, int limit, CancellationToken ct)
    {
        var rows = await (
            from n in InOutbox(db.Notifications)
            where n.UserId == userId
            join t in db.Topics on n.TopicId equals t.Id
            join r in db.Replies on n.ReplyId equals r.Id into replies
            from r in replies.DefaultIfEmpty()
            orderby n.At, n.Id
            select new
            {
                n.Id, n.Kind, n.FromName, n.TopicId, t.Title, t.ArticleId, t.Url, n.ReplyId, n.ReadAt,
                Body = r != null && r.State == ReplyState.Published && !r.Erased ? r.Body.Substring(0, Notification.MaxExcerpt) : null,
            }).Take(limit).ToListAsync(ct);
        return (
            [.. rows.Where(r => r.ReadAt == null).Select(r => new EmailItem(r.Id, r.Kind, r.FromName, r.TopicId, r.Title, r.ArticleId, r.Url, r.ReplyId, Excerpt(r.Body)))],
            [.. rows.Where(r => r.ReadAt != null).Select(r => r.Id)]);
    }

    /// <summary>After a send (or when nothing was left to send): the notifications leave the outbox and the claim is let go.</summary>
    public async Task DoneAsync(string userId, string holder, IReadOnlyCollection<string> emailed, IReadOnlyCollection<string> skipped,
        DateTime? emailedAt, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await SetStateAsync(emailed, Emailed, ct);
        await SetStateAsync(skipped, NotEmailed, ct);
        await db.EmailSettings.Where(s => s.UserId == userId && s.ClaimedBy == holder).ExecuteUpdateAsync(set => set
            .SetProperty(s => s.LastEmailedAt, s => emailedAt ?? s.LastEmailedAt)
            .SetProperty(s => s.Failures, s => emailedAt == null ? s.Failures : 0)
            .SetProperty(s => s.RetryAt, s => emailedAt == null ? s.RetryAt : null)
            .SetProperty(s => s.ClaimedBy, (string?)null)
            .SetProperty(s => s.ClaimedUntil, (DateTime?)null), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>A failed send: the notifications stay waiting; the reader is tried again after a growing delay.</summary>
    public Task FailedAsync(string userId, string holder, DateTime retryAt, CancellationToken ct) =>
        db.EmailSettings.Where(s => s.UserId == userId && s.ClaimedBy == holder).ExecuteUpdateAsync(set => set
            .SetProperty(s => s.Failures, s => s.Failures + 1)
            .SetProperty(s => s.RetryAt, retryAt)
            .SetProperty(s => s.ClaimedBy, (string?)null)
            .SetProperty(s => s.ClaimedUntil, (DateTime?)null), ct);

    private Task SetStateAsync(IReadOnlyCollection<string> ids, byte state, CancellationToken ct) => ids.Count == 0
        ? Task.CompletedTask
        : db.Notifications.Where(n => ids.Contains(n.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(n => EF.Property<byte>(n, EmailModel.EmailState), state), ct);

    private static IQueryable<NotificationEntity> InOutbox(IQueryable<NotificationEntity> notifications) =>
        notifications.Where(n => EF.Property<byte>(n, EmailModel.EmailState) == Waiting);

    private static string? Excerpt(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        // One line in the email whatever the reply's paragraphs; as long as the API's excerpt, not longer.
        return string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
