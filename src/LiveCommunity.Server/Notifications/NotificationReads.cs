using System.Linq.Expressions;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace LiveCommunity.Server.Notifications;

/// <summary>
/// Notifications as readers see them: joined with their topic and reply when read, so a title is current and
/// an excerpt exists only while the reply is published (a removed, hidden or erased reply shows none).
/// </summary>
public static class NotificationReads
{
    /// <summary>One reader's notifications with ids below <paramref name="before"/> (null: from the newest), newest first.</summary>
    public static Task<List<Notification>> PageAsync(CommunityDb db, string userId, string? before, int take, CancellationToken ct)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        if (before is not null)
        {
            mine = mine.Where(n => string.Compare(n.Id, before) < 0);
        }
        return Shape(db, mine.OrderByDescending(n => n.Id).Take(take), ct);
    }

    /// <summary>
    /// One notification by id, for the live push after every commit that notifies: compiled once, where building the
    /// joined query per push cost more than running it (profiled on a topic of answers, bench/findings.md).
    /// </summary>
    public static async Task<Notification?> OneAsync(CommunityDb db, string id, CancellationToken ct) =>
        await ById.For(db)(db, id).WaitAsync(ct) is { } row ? ToNotification(row) : null;

    /// <summary>
    /// Unread ones, counted in the (user, readAt) index; at most <paramref name="max"/> are counted, the most a
    /// reader keeps (Notifications:MaxPerUser), so the cost stays bounded between two sweeps.
    /// </summary>
    public static Task<int> UnreadAsync(CommunityDb db, string userId, int max, CancellationToken ct) =>
        Unread.For(db)(db, userId, max).WaitAsync(ct);

    private static readonly CompiledQuery<Func<CommunityDb, string, int, Task<int>>> Unread = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string userId, int max) =>
            db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null).OrderBy(n => n.ReadAt).Select(n => n.Id).Take(max).Count()));

    private static async Task<List<Notification>> Shape(CommunityDb db, IQueryable<NotificationEntity> notifications, CancellationToken ct) =>
        [.. (await JoinedFor(db, notifications).OrderByDescending(n => n.Id).ToListAsync(ct)).Select(ToNotification)];

    /// <summary>
    /// The notifications joined with their topic and reply, written once as an expression: a page applies it to its
    /// own query (<see cref="JoinedFor"/>), and <see cref="ById"/> compiles it with the id as the only parameter.
    /// </summary>
    private static readonly Expression<Func<CommunityDb, IQueryable<NotificationEntity>, IQueryable<Row>>> Joined = (db, notifications) =>
        // Left joins: the planner keeps the reader's page first and finds its topics and replies by key, where an
        // inner join let SQLite start from a small Topics table and scan it.
        from n in notifications
        join t in db.Topics on n.TopicId equals t.Id into topics
        from t in topics.DefaultIfEmpty()
        join r in db.Replies on n.ReplyId equals r.Id into replies
        from r in replies.DefaultIfEmpty()
        select new Row
        {
            Id = n.Id, Kind = n.Kind, TopicId = n.TopicId, Title = t == null ? "" : t.Title, ArticleId = t == null ? null : t.ArticleId,
            Url = t == null ? null : t.Url, ReplyId = n.ReplyId, FromId = n.FromId, FromName = n.FromName, At = n.At, ReadAt = n.ReadAt,
            // Only what readers may see: the first characters of a published reply, never of a removed one.
            Excerpt = r != null && r.State == ReplyState.Published && !r.Erased ? r.Body.Substring(0, Notification.MaxExcerpt) : null,
        };

    private static readonly Func<CommunityDb, IQueryable<NotificationEntity>, IQueryable<Row>> JoinedFor = Joined.Compile();

    private static readonly CompiledQuery<Func<CommunityDb, string, Task<Row?>>> ById = new(() =>
    {
        Expression<Func<CommunityDb, string, IQueryable<NotificationEntity>>> byId = (db, id) => db.Notifications.AsNoTracking().Where(n => n.Id == id);
        var notifications = ReplacingExpressionVisitor.Replace(byId.Parameters[0], Joined.Parameters[0], byId.Body);
        var rows = ReplacingExpressionVisitor.Replace(Joined.Parameters[1], notifications, Joined.Body);
        var first = Expression.Call(typeof(Queryable), nameof(Queryable.FirstOrDefault), [typeof(Row)], rows);
        return EF.CompileAsyncQuery(Expression.Lambda<Func<CommunityDb, string, Row?>>(first, Joined.Parameters[0], byId.Parameters[1]));
    });

    private static Notification ToNotification(Row n) => new(
        n.Id, n.Kind, new NotificationTopic(n.TopicId, n.Title, n.ArticleId, n.Url), n.ReplyId,
        n.FromId is null ? null : new NotificationSender(n.FromId, n.FromName ?? n.FromId),
        Excerpt(n.Excerpt), n.At, n.ReadAt is not null);

    private sealed class Row
    {
        public required string Id { get; init; }
        public required string Kind { get; init; }
        public required string TopicId { get; init; }
        public required string Title { get; init; }
        public string? ArticleId { get; init; }
        public string? Url { get; init; }
        public required string ReplyId { get; init; }
        public string? FromId { get; init; }
        public string? FromName { get; init; }
        public DateTime At { get; init; }
        public DateTime? ReadAt { get; init; }
        public string? Excerpt { get; init; }
    }

    /// <summary>At most <see cref="Notification.MaxExcerpt"/> UTF-16 units (SQL counts characters), never half a pair.</summary>
    private static string? Excerpt(string? text)
    {
        if (text is null || text.Length <= Notification.MaxExcerpt)
        {
            return text;
        }
        var end = char.IsHighSurrogate(text[Notification.MaxExcerpt - 1]) ? Notification.MaxExcerpt - 1 : Notification.MaxExcerpt;
        return text[..end];
    }
}
