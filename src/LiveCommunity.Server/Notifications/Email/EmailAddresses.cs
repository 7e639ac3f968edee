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
public sealed class EmailAddresses(IServiceScopeFactory scopes)
{
    /// <summary>Readers remembered at most per instance (about 100 bytes each).</summary>
    public const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, string> _stored = new(StringComparer.Ordinal);

    public async Task RecordAsync(Caller caller, CancellationToken ct)
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
}
