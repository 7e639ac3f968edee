using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary><c>GET</c> / <c>PUT /api/me/preferences</c> (PROTOCOL.md v3): <c>{email: "off"|"immediate"|"digest"}</c>.</summary>
public sealed record Preferences(string? Email);

/// <summary>
/// A reader's email preference, and unsubscribing by link. Modes: <c>digest</c> (the default: one email
/// <see cref="EmailOptions.EmailEvery"/> after the first unsent notification, with all that came meanwhile),
/// <c>immediate</c> (the first at once, later ones held until EmailEvery after the last email), <c>off</c>.
/// </summary>
public sealed class EmailPreferences(CommunityDb db, UnsubscribeTokens tokens)
{
    public const string Off = "off";
    public const string Immediate = "immediate";
    public const string Digest = "digest";
    public const string Default = Digest;

    public static string ModeOf(string? stored) => stored ?? Default;

    public async Task<Outcome<Preferences>> GetAsync(Caller? caller, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to read your preferences");
        }
        var mode = await db.EmailSettings.Where(s => s.UserId == caller.Id).Select(s => s.Mode).FirstOrDefaultAsync(ct);
        return new Preferences(ModeOf(mode));
    }

    public async Task<Outcome<Preferences>> SetAsync(Caller? caller, Preferences? input, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to change your preferences");
        }
        if (input?.Email is not (Off or Immediate or Digest) || input.Email is not { } mode)
        {
            return Rejection.Invalid("email", $"must be \"{Off}\", \"{Immediate}\" or \"{Digest}\"");
        }
        await SetModeAsync(caller.Id, mode, ct);
        return new Preferences(mode);
    }

    /// <summary>The one-click unsubscribe: a valid token turns email off for its reader; anything else changes nothing.</summary>
    public async Task<Outcome<Preferences>> UnsubscribeAsync(string? token, CancellationToken ct)
    {
        if (tokens.Read(token) is not { } userId)
        {
            return Rejection.Invalid("token", "the unsubscribe link is not valid; open the newest email's link, or sign in and change your preferences");
        }
        await SetModeAsync(userId, Off, ct);
        return new Preferences(Off);
    }

    // An upsert: a preference may come before the first token with an address (the row then waits for one).
    private Task<int> SetModeAsync(string userId, string mode, CancellationToken ct) => db.Database.ExecuteSqlAsync(
        $"""
        INSERT INTO "EmailSettings" ("UserId", "Mode", "Failures") VALUES ({userId}, {mode}, 0)
        ON CONFLICT ("UserId") DO UPDATE SET "Mode" = excluded."Mode"
        """, ct);
}
