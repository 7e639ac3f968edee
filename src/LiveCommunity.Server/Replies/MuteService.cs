using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>GET /api/me: who the caller is, whom they muted, and how many notifications they have not read.</summary>
public sealed record Account(string Id, string Name, string Role, IReadOnlyList<string> Muted, int Unread);

/// <summary>
/// Readers muting other readers. Not a topic write (no event, nobody else sees it), so it changes its own rows
/// directly; lists apply it per caller after the shared page (<see cref="ReplyPages"/>).
/// </summary>
public sealed class MuteService(CommunityDb db, NotificationService notifications, TimeProvider time)
{
    /// <summary>A reader mutes at most this many users: the list travels in GET /api/me and filters every page.</summary>
    public const int MaxMuted = 1_000;

    public async Task<Outcome<bool>> SetAsync(Caller? caller, string userId, bool muted, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to mute");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        if (userId == caller.Id)
        {
            return Rejection.Invalid("userId", "you cannot mute yourself");
        }
        var mine = db.Mutes.Where(m => m.UserId == caller.Id);
        var exists = await mine.AnyAsync(m => m.MutedUserId == userId, ct);
        if (!muted)
        {
            await mine.Where(m => m.MutedUserId == userId).ExecuteDeleteAsync(ct);
            return true;
        }
        if (exists)
        {
            return true; // idempotent
        }
        if (await mine.CountAsync(ct) >= MaxMuted)
        {
            return Rejection.Conflict($"you have muted {MaxMuted} users, the most there may be: unmute someone first");
        }
        db.Mutes.Add(new MuteEntity { UserId = caller.Id, MutedUserId = userId, CreatedAt = time.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same mute from a concurrent request won the insert: the outcome is the same. Anything else fails.
            if (!await mine.AnyAsync(m => m.MutedUserId == userId, ct))
            {
                throw;
            }
        }
        return true;
    }

    public async Task<Outcome<Account>> MeAsync(Caller? caller, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to see your account");
        }
        var muted = await db.Mutes.AsNoTracking().Where(m => m.UserId == caller.Id)
            .OrderBy(m => m.MutedUserId).Select(m => m.MutedUserId).ToListAsync(ct);
        return new Account(caller.Id, caller.Name, caller.Role, muted, await notifications.UnreadAsync(caller.Id, ct));
    }

    /// <summary>
    /// Which of <paramref name="authorIds"/> the caller muted. Runs on every signed-in page read, so it reads the
    /// caller's own rows by the key in a compiled query (at most <see cref="MaxMuted"/>, for most readers none)
    /// rather than building a query with the page's authors as an IN list each time, which cost more than the
    /// rest of a signed-in read.
    /// </summary>
    public async Task<HashSet<string>> MutedAmongAsync(Caller caller, IReadOnlyCollection<string> authorIds, CancellationToken ct)
    {
        var muted = new HashSet<string>(StringComparer.Ordinal);
        HashSet<string>? authors = null;
        await foreach (var id in MutedBy.For(db)(db, caller.Id).WithCancellation(ct))
        {
            authors ??= authorIds.ToHashSet(StringComparer.Ordinal);
            if (authors.Contains(id))
            {
                muted.Add(id);
            }
        }
        return muted;
    }

    private static readonly CompiledQuery<Func<CommunityDb, string, IAsyncEnumerable<string>>> MutedBy = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string userId) => db.Mutes.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.MutedUserId)));
}
