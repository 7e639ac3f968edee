using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Realtime;

/// <summary>Deletes events beyond retention now and then; Watch already treats them as gone (reset) before that.</summary>
public sealed partial class EventLogPruner(
    IServiceScopeFactory scopes, EventLog eventLog, IOptions<EventLogOptions> options, TimeProvider time, ILogger<EventLogPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var deleted = await eventLog.PruneAsync(scope.ServiceProvider.GetRequiredService<CommunityDb>(), stoppingToken);
                LogPruned(logger, deleted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPruneFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Pruned {Count} events beyond retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Pruning the event log failed; will try again")]
    private static partial void LogPruneFailed(ILogger logger, Exception ex);
}
