namespace LiveCommunity.Server.Writes.Internal;

/// <summary>Log lines of the write pipeline (event ids 2201-2299, and 5001 for moderation actions).</summary>
internal sealed partial class WriteLog(ILogger<TopicWriter> logger)
{
    public void BatchBusy(Exception ex, string topicId, int commands) => LogBatchBusy(logger, ex, topicId, commands);
    public void BatchFailed(Exception ex, string topicId, int commands) => LogBatchFailed(logger, ex, topicId, commands);
    public void CommandFailed(Exception ex, string topicId) => LogCommandFailed(logger, ex, topicId);
    public void AfterCommitFailed(Exception ex, string topicId) => LogAfterCommitFailed(logger, ex, topicId);
    public void WriteRefusedBusy(string topicId, string why) => LogRefusedBusy(logger, topicId, why);
    public void ModerationAction(string moderatorId, string action, string targetId) => LogModerationAction(logger, moderatorId, action, targetId);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning,
        Message = "The database could not take a batch of {Commands} writes to {TopicId} in time; they were answered busy")]
    private static partial void LogBatchBusy(ILogger logger, Exception ex, string topicId, int commands);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Error, Message = "A batch of {Commands} writes to {TopicId} failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex, string topicId, int commands);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "A write to {TopicId} failed; the rest of its batch went on")]
    private static partial void LogCommandFailed(ILogger logger, Exception ex, string topicId);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Work after the commit of a batch of {TopicId} failed")]
    private static partial void LogAfterCommitFailed(ILogger logger, Exception ex, string topicId);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Debug, Message = "A write to {TopicId} was answered busy: {Why}")]
    private static partial void LogRefusedBusy(ILogger logger, string topicId, string why);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Moderator {ModeratorId} did {Action} on {TargetId}")]
    private static partial void LogModerationAction(ILogger logger, string moderatorId, string action, string targetId);
}
