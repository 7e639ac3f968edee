using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Notifications;

/// <summary>The sweep keeps each reader's newest notifications up to the bound and none past retention.</summary>
public sealed class NotificationSweepTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task TheSweepKeepsTheNewestUpToTheBoundAndDropsTheExpired()
    {
        var crowded = Users.Make("Popular", "member").Id;
        var quiet = Users.Make("Quiet", "member").Id;
        var now = DateTime.UtcNow;
        NotificationEntity Row(string userId, DateTime at) => new()
        {
            Id = "n_" + Guid.CreateVersion7(at).ToString("N"), UserId = userId, Kind = "reply", TopicId = "t_x", ReplyId = "r_x", At = at,
        };
        var rows = Enumerable.Range(0, 8).Select(i => Row(crowded, now.AddMinutes(-i))).ToList();
        rows.Add(Row(quiet, now.AddDays(-10)));
        rows.Add(Row(quiet, now));
        await app.Anonymous().WithDbAsync(async db =>
        {
            db.Notifications.AddRange(rows);
            await db.SaveChangesAsync();
        });

        var writer = app.Services.GetRequiredService<TopicWriter>();
        var swept = await writer.WriteAsync(new NotificationSweep.SweepCommand(new NotificationsOptions { MaxPerUser = 5, Retention = TimeSpan.FromDays(7) }));

        Assert.Equal(4, swept.Value); // three beyond the bound, one expired
        await app.Anonymous().WithDbAsync(async db =>
        {
            var kept = await db.Notifications.Where(n => n.UserId == crowded).OrderByDescending(n => n.Id).Select(n => n.Id).ToListAsync();
            Assert.Equal(rows.Take(5).Select(r => r.Id), kept);
            Assert.Equal([rows[^1].Id], await db.Notifications.Where(n => n.UserId == quiet).Select(n => n.Id).ToListAsync());
        });
    }
}
