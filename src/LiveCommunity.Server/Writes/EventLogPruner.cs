using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// Deletes events beyond retention now and then; Watch already treats them as gone (reset) before that.
/// </summary>
public sealed partial class EventLogPruner(
    TopicWriter writer, EventLog eventLog, IOptions<EventLogOptions> options, TimeProvider time, ILogger<EventLogPruner> logger)
    : PeriodicWrite(writer, options.Value.PruneInterval, time)
{
    protected override WriteCommand<int> Round() => new PruneCommand(eventLog);

    protected override void Done(int count) => LogPruned(logger, count);

    protected override void Failed(Exception ex) => LogPruneFailed(logger, ex);

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
