using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Webhooks;

/// <summary>
/// The database lease that lets one instance of a cluster deliver webhooks at a time. The holder renews it well
/// before it runs out; when the holder dies, another instance takes it once it has run out. A delivery attempt is
/// also claimed row by row (see <see cref="WebhookDispatcher"/>), so even two instances that both believed they
/// held the lease could not both make the same attempt.
/// </summary>
public sealed class WebhookLease(TimeProvider time)
{
    public const string Name = "webhooks";

    private DateTime _heldUntil;

    /// <summary>This instance, as the lease's holder column names it.</summary>
    public string Holder { get; } = $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 100)]}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public async Task<bool> TryHoldAsync(CommunityDb db, TimeSpan duration, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_heldUntil - now > duration * 2 / 3)
        {
            return true; // renewed recently: no write every round
        }
        var until = now + duration;
        var renewed = await db.Leases.Where(l => l.Name == Name && (l.Holder == Holder || l.Until < now))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.Holder, Holder).SetProperty(l => l.Until, until), ct);
        if (renewed == 0)
        {
            renewed = await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "Leases" ("Name", "Holder", "Until") VALUES ({Name}, {Holder}, {until}) ON CONFLICT DO NOTHING""", ct);
        }
        _heldUntil = renewed == 1 ? until : default;
        return renewed == 1;
    }

    /// <summary>Lets the lease go at shutdown, so another instance takes over at once instead of after it runs out.</summary>
    public async Task ReleaseAsync(CommunityDb db, CancellationToken ct)
    {
        if (_heldUntil != default)
        {
            _heldUntil = default;
            await db.Leases.Where(l => l.Name == Name && l.Holder == Holder).ExecuteDeleteAsync(ct);
        }
    }
}
