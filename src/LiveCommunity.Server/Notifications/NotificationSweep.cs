using LiveCommunity.Server.Common;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Notifications;

/// <summary>
/// Keeps what readers hold bounded: drops notifications past <see cref="NotificationsOptions.Retention"/> and,
/// for readers holding more than <see cref="NotificationsOptions.MaxPerUser"/>, all but the newest.
/// </summary>
public sealed partial class NotificationSweep(TopicWriter writer, IOptions<NotificationsOptions> options, TimeProvider time, ILogger<NotificationSweep> logger)
    : PeriodicWrite(writer, options.Value.SweepInterval, time)
{
    /// <summary>Readers trimmed per round; more wait for the next round.</summary>
    private const int UsersPerRound = 100;

    protected override WriteCommand<int> Round() => new SweepCommand(options.Value);

    protected override void Done(int count) => LogSwept(logger, count);

    protected override void Failed(Exception ex) => LogSweepFailed(logger, ex);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Debug, Message = "Swept {Count} notifications beyond retention or the per-reader bound")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Sweeping notifications failed; will try again")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);

    internal sealed class SweepCommand(NotificationsOptions options) : WriteCommand<int>
    {
        public override string? TopicId => null;

        public override Auth.Caller? Writer => null;

        public override async Task<Outcome<int>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            var db = write.Db;
            var cutoff = write.Now - options.Retention;
            var deleted = await db.Notifications.Where(n => n.At < cutoff).ExecuteDeleteAsync(ct);
            var crowded = await db.Notifications.GroupBy(n => n.UserId).Where(g => g.Count() > options.MaxPerUser)
                .Select(g => g.Key).Take(UsersPerRound).ToListAsync(ct);
            foreach (var userId in crowded)
            {
                var mine = db.Notifications.Where(n => n.UserId == userId);
                var newestDropped = await mine.OrderByDescending(n => n.Id).Skip(options.MaxPerUser).Select(n => n.Id).FirstAsync(ct);
                deleted += await mine.Where(n => string.Compare(n.Id, newestDropped) <= 0).ExecuteDeleteAsync(ct);
            }
            return deleted;
        }
    }
}
