using System.Collections.Concurrent;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>
/// Stores the address in a signed-in reader's token (the <c>email</c> claim) for the mailer, when they act or
/// connect. A process-wide memory of what is already stored keeps it to one write per reader and address change,
/// not one per request; the memory is bounded (emptied when full, which costs one more write per active reader).
/// A token without the claim leaves a stored address as it is: the host site may mint some tokens without it.
/// </summary>
public sealed partial class EmailAddresses(IServiceScopeFactory scopes, ILogger<EmailAddresses> logger)
{
    /// <summary>Readers remembered at most per instance (about 100 bytes each).</summary>
    public const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, string> _stored = new(StringComparer.Ordinal);

    /// <summary>
    /// Records the address, or logs why not: the request it rides on goes on either way (a busy database costs the
    /// reader nothing here; the next request tries again).
    /// </summary>
    public async Task TryRecordAsync(Caller caller, CancellationToken ct)
    {
        try
        {
            await RecordAsync(caller, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogRecordFailed(logger, ex, caller.Id);
        }
    }

    private async Task RecordAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Email is not { } email || (_stored.TryGetValue(caller.Id, out var known) && known == email))
        {
            return;
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "EmailSettings" ("UserId", "Email", "Failures") VALUES ({caller.Id}, {email}, 0)
                ON CONFLICT ("UserId") DO UPDATE SET "Email" = excluded."Email"
                """, ct);
        }
        if (_stored.Count >= MaxRemembered)
        {
            _stored.Clear();
        }
        _stored[caller.Id] = email;
    }

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Could not store the email address of user {UserId}; will try again")]
    private static partial void LogRecordFailed(ILogger logger, Exception ex, string userId);
}
