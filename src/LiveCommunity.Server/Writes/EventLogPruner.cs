using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// Deletes events beyond retention now and then; Watch already treats them as gone (reset) before that. The
/// deletion is a write like any other, so on SQLite it takes its turn with the batches instead of contending.
/// </summary>
public sealed partial class EventLogPruner(
    TopicWriter writer, EventLog eventLog, IOptions<EventLogOptions> options, TimeProvider time, ILogger<EventLogPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await writer.WriteAsync(new PruneCommand(eventLog), stoppingToken);
                if (deleted.Rejection is null)
                {
                    LogPruned(logger, deleted.Value);
                }
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

    private sealed class PruneCommand(EventLog eventLog) : WriteCommand<int>
    {
        public override string? TopicId => null;

        public override Auth.Caller? Writer => null;

        public override async Task<Outcome<int>> ExecuteAsync(WriteContext write, CancellationToken ct) =>
            await eventLog.PruneAsync(write.Db, ct);
    }
}
