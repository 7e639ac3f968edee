using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Notifications;

/// <summary>
/// A reader's own notifications: the list, the unread count and marking read. Marking read is no topic write (no
/// event, only the reader sees it), so it changes the reader's own rows directly, as muting does.
/// </summary>
public sealed class NotificationService(CommunityDb db, LiveNotifications live, IOptions<NotificationsOptions> options, TimeProvider time)
{
    public Task<int> UnreadAsync(string userId, CancellationToken ct) => NotificationReads.UnreadAsync(db, userId, options.Value.MaxPerUser, ct);

    public async Task<Outcome<NotificationPage>> ListAsync(Caller? caller, int? limit, string? cursor, CancellationToken ct)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 20, max: 100);
        string? before = null;
        if (cursor is not null && !TryDecode(cursor, out before))
        {
            errors["cursor"] = ["is not a cursor this server issued"];
        }
        if (errors.Count > 0)
        {
            return Rejection.Invalid(errors);
        }
        var items = await NotificationReads.PageAsync(db, caller!.Id, before, take!.Value + 1, ct);
        var next = items.Count > take ? Cursor.Encode(items[take.Value - 1].Id) : null;
        return new NotificationPage(items.Take(take.Value).ToList(), next, await UnreadAsync(caller.Id, ct));
    }

    /// <summary>Marks all unread ones read, or those up to and including <see cref="MarkRead.UpTo"/> (one of the reader's own, else 404).</summary>
    public async Task<Outcome<UnreadCount>> MarkReadAsync(Caller? caller, MarkRead? input, CancellationToken ct)
    {
        if (Refusal(caller) is { } refused)
        {
            return refused;
        }
        var upTo = input?.UpTo;
        if (upTo is not null && (upTo.Length is 0 or > Ids.MaxLength || TextRules.HasControlCharacters(upTo)))
        {
            return Rejection.Invalid("upTo", $"must be a notification id (at most {Ids.MaxLength} characters)");
        }
        var mine = db.Notifications.Where(n => n.UserId == caller!.Id);
        if (upTo is not null)
        {
            if (!await mine.AnyAsync(n => n.Id == upTo, ct))
            {
                return Rejection.NotFound("upTo: no notification of yours has that id");
            }
            mine = mine.Where(n => string.Compare(n.Id, upTo) <= 0);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var changed = await mine.Where(n => n.ReadAt == null).ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), ct);
        if (changed > 0)
        {
            live.UnreadChanged(caller!.Id); // every connection of the reader, on every instance
        }
        return new UnreadCount(await UnreadAsync(caller!.Id, ct));
    }

    private static Rejection? Refusal(Caller? caller) => caller switch
    {
        null => Rejection.SignInRequired("sign in to see your notifications"),
        { Role: Roles.Publisher } => Rejection.Forbidden(Roles.PublisherIsNoReader),
        _ => null,
    };

    private static bool TryDecode(string cursor, out string? id)
    {
        id = Cursor.TryDecode(cursor, out var position) && position.StartsWith("n_", StringComparison.Ordinal)
            && position.Length <= Ids.MaxLength ? position : null;
        return id is not null;
    }
}
