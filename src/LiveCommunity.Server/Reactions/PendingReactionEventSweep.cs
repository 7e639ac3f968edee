using LiveCommunity.Server.Reactions.Internal;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Sends the ReactionsChanged that a crash left owed: at start, every pending target; then now and then, those
/// pending well past their window (an instance that died holding them). A live instance flushes its own at the end
/// of each window, so on a cluster this only ever finds the dead's.
/// </summary>
public sealed partial class PendingReactionEventSweep(
    IServiceScopeFactory scopes, TopicWriter writer, IOptions<ReactionsOptions> options, TimeProvider time,
    ILogger<PendingReactionEventSweep> logger) : BackgroundService
{
    /// <summary>Rows taken per sweep; a bigger backlog goes on in the next one.</summary>
    private const int SweepLimit = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var orphanedAfter = TimeSpan.Zero; // at start: everything pending is a crash's
        using var timer = new PeriodicTimer(options.Value.PendingSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(orphanedAfter, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
            orphanedAfter = options.Value.CoalesceWindow + options.Value.PendingSweepInterval;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAsync(TimeSpan orphanedAfter, CancellationToken ct)
    {
        List<(string TopicId, string TargetId)> owed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var before = time.GetUtcNow().UtcDateTime - orphanedAfter;
            owed = [.. (await db.PendingReactionEvents.AsNoTracking().Where(p => p.Since <= before).OrderBy(p => p.Since)
                .Take(SweepLimit).Select(p => new { p.TopicId, p.TargetId }).ToListAsync(ct)).Select(p => (p.TopicId, p.TargetId))];
        }
        if (owed.Count == 0)
        {
            return;
        }
        LogSweeping(logger, owed.Count);
        await Task.WhenAll(owed.Select(o => writer.WriteAsync(new FlushReactionsCommand(o.TopicId, o.TargetId), ct)));
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Sending the ReactionsChanged of {Count} targets left owed (a crash or a dead instance)")]
    private static partial void LogSweeping(ILogger logger, int count);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Sweeping owed reaction events failed; will try again")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
