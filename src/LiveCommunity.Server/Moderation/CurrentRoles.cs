using System.Collections.Concurrent;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Keeps a known user's stored role equal to the role of the latest verified token the server saw from them,
/// on any authenticated request or hub connection, not only on writes: ban and unban decide by the stored role,
/// so a member promoted to admin is protected from moderators as soon as they come back with their new token.
/// Cheap: a lookup in memory per request; a read of the row the first time a user is seen on this instance (and
/// every few minutes, for changes other instances made); a write only when the role changed. Users the server
/// has not recorded yet are left alone: moderators cannot ban those anyway.
/// </summary>
public sealed partial class CurrentRoles(TopicWriter writer, TimeProvider time, ILogger<CurrentRoles> logger)
{
    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan Recheck = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Role, long CheckedAt)> _checked = new(StringComparer.Ordinal);

    public async Task SeenAsync(CommunityDb db, Caller caller, CancellationToken ct)
    {
        if (_checked.TryGetValue(caller.Id, out var known) && known.Role == caller.Role && time.GetElapsedTime(known.CheckedAt) < Recheck)
        {
            return;
        }
        var checkedAt = time.GetTimestamp();
        try
        {
            var stored = await db.Users.AsNoTracking().Where(u => u.Id == caller.Id).Select(u => u.Role).FirstOrDefaultAsync(ct);
            if (stored is not null && stored != caller.Role
                && (await writer.WriteAsync(new RecordRoleCommand(caller.Id, caller.Role), ct)).Rejection is { } refused)
            {
                LogNotRecorded(logger, caller.Id, refused.Detail);
                return; // not remembered: the next request tries again
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The request itself goes on: its own reads and writes report their errors.
            LogNotRecorded(logger, caller.Id, ex.Message);
            return;
        }
        if (_checked.Count >= MaxRemembered)
        {
            _checked.Clear(); // costs one read per user afterwards
        }
        _checked[caller.Id] = (caller.Role, checkedAt);
    }

    [LoggerMessage(EventId = 5501, Level = LogLevel.Debug, Message = "The role of {UserId} was not recorded this time: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string userId, string reason);
}

/// <summary>Stores the role a user's token now says; no row, or the same role, changes nothing.</summary>
internal sealed class RecordRoleCommand(string userId, string role) : WriteCommand<bool>
{
    public override string? TopicId => null;

    public override Caller? Writer => null;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var now = write.Now;
        await write.Db.Users.Where(u => u.Id == userId && u.Role != role)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, role).SetProperty(u => u.UpdatedAt, now), ct);
        return true;
    }
}

public static class CurrentRolesExtensions
{
    /// <summary>After authentication: every verified token refreshes its user's stored role (see <see cref="CurrentRoles"/>).</summary>
    public static IApplicationBuilder UseCurrentRoles(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (Caller.From(context.User) is not { } caller)
        {
            return next(context);
        }
        // Not async when the role was checked lately, the usual case (see PassThrough).
        var services = context.RequestServices;
        return services.GetRequiredService<CurrentRoles>().SeenAsync(services.GetRequiredService<CommunityDb>(), caller, context.RequestAborted)
            .ThenNext(context, next);
    });
}
