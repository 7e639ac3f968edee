using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Bans a user. Who may ban whom is decided by the target's current role: the one in the latest token the
/// server saw from them (<see cref="CurrentRoles"/>), not the one of their last write. With <c>removeReplies</c>, the removal of all their replies is stored as a job in the same
/// transaction, so it is finished (by this instance at once, or by any instance after a crash) and never
/// silently left half done. Answers the job's id, or null.
/// </summary>
internal sealed class BanCommand(Caller caller, string userId, string? reason, bool removeReplies, TimeSpan lease)
    : WriteCommand<string?>
{
    public override string? TopicId => null;

    public override Caller? Writer => caller;

    public override async Task<Outcome<string?>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var target = await write.Db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (caller.Role != Roles.Admin)
        {
            // A moderator never stops an admin: not one the server knows, and not one it has not seen yet.
            if (target is null)
            {
                return Rejection.Forbidden("only admins ban users this server has not seen yet");
            }
            if (target.Role is Roles.Moderator or Roles.Admin)
            {
                return Rejection.Forbidden("only admins ban moderators and admins");
            }
        }
        if (target is null)
        {
            // An admin may ban before a first write; the name fills in when they next sign in.
            target = new UserEntity { Id = userId, Name = userId, Role = Roles.Member, UpdatedAt = write.Now };
            write.Db.Users.Add(target);
        }
        if (!target.Banned)
        {
            target.Banned = true;
            target.BanReason = reason;
            write.Audit(caller, ModerationActions.Ban, userId, reason);
            write.Webhook(Webhooks.WebhookEvents.UserBanned, Webhooks.WebhookEvents.BanData(userId, caller, reason, removeReplies));
        }
        if (!removeReplies)
        {
            return (string?)null;
        }
        var job = ModerationJobs.NewJob(ModerationJobs.RemoveReplies, userId, caller, reason, write.Now, lease);
        write.Db.ModerationJobs.Add(job);
        return job.Id;
    }
}

/// <summary>
/// Lifts a ban; unbanning someone who is not banned changes nothing. Only admins lift the ban of a moderator or
/// an admin (by their current role), as only admins could have banned them.
/// </summary>
internal sealed class UnbanCommand(Caller caller, string userId) : WriteCommand<bool>
{
    public override string? TopicId => null;

    public override Caller? Writer => caller;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var target = await write.Db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (target is null)
        {
            return Rejection.NotFound("user not found");
        }
        if (caller.Role != Roles.Admin && target.Role is Roles.Moderator or Roles.Admin)
        {
            return Rejection.Forbidden("only admins lift the ban of moderators and admins");
        }
        if (target.Banned)
        {
            target.Banned = false;
            target.BanReason = null;
            write.Audit(caller, ModerationActions.Unban, userId);
        }
        return true;
    }
}
