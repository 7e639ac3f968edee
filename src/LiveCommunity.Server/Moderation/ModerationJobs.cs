using System.Collections.Concurrent;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Runs moderation work that spans many topics (every reply of a banned or erased user), one topic step at a
/// time through the <see cref="TopicWriter"/>, so each removal takes its own seq in its own topic. A job is
/// stored in the transaction that decides it and leased to an instance; if that instance dies or restarts,
/// any instance takes the job over once the lease runs out and finishes it. Steps are idempotent, so a
/// step done twice changes nothing. An erasure is complete only once its text is gone from the database files
/// too (<see cref="ErasedTextCompaction"/>): it retries that until it succeeds.
/// </summary>
public sealed partial class ModerationJobs(
    IServiceScopeFactory scopes, TopicWriter writer, QueueNotifier queue, Notifier notifier, ErasedTextCompaction compaction, IOptions<ModerationOptions> options,
    TimeProvider time, ILogger<ModerationJobs> logger)
    : BackgroundService
{
    public const string RemoveReplies = "remove-replies";
    public const string EraseReplies = "erase-replies";
    /// <summary>One reply erased by its own write; the job (its target is the reply's id) only compacts the files.</summary>
    public const string EraseReply = "erase-reply";
    private const int StepSize = 200;
    private const int BusyAttemptsBeforeWarning = 50;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public static ModerationJobEntity NewJob(string kind, string userId, Caller moderator, string? reason, DateTime now, TimeSpan lease) => new()
    {
        Id = "j_" + Guid.CreateVersion7().ToString("N"),
        Kind = kind,
        UserId = userId,
        ModeratorId = moderator.Id,
        ModeratorName = moderator.Name,
        ModeratorRole = moderator.Role,
        Reason = reason,
        CreatedAt = now,
        LeasedUntil = now + lease,
    };

    /// <summary>
    /// Works on a job this instance holds the lease of; the task completes when the job is done. It goes on
    /// when whoever asked stops waiting.
    /// </summary>
    public Task RunAsync(string jobId)
    {
        var run = _running.GetOrAdd(jobId, id => Task.Run(async () =>
        {
            try
            {
                await WorkAsync(id);
            }
            catch (Exception ex)
            {
                // The job stays stored and unfinished: it is taken up again when its lease runs out.
                LogJobFailed(logger, ex, id);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }));
        return run;
    }

    /// <summary>Every half lease: take over and finish jobs whose instance stopped renewing them (a crash, a restart).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.JobLease / 2, time);
        do
        {
            try
            {
                await ResumeAbandonedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogResumeFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ResumeAbandonedAsync(CancellationToken ct)
    {
        List<string> ids;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            ids = await db.ModerationJobs.AsNoTracking()
                .Where(j => j.CompletedAt == null && (j.LeasedUntil == null || j.LeasedUntil < now))
                .OrderBy(j => j.CreatedAt).Select(j => j.Id).Take(100).ToListAsync(ct);
        }
        foreach (var id in ids.Where(id => !_running.ContainsKey(id)))
        {
            var lease = await writer.WriteAsync(new LeaseJobCommand(id, LeaseEnd(), renew: false), ct);
            if (lease.Value)
            {
                LogResumed(logger, id);
                await RunAsync(id).WaitAsync(ct);
            }
        }
    }

    private async Task WorkAsync(string jobId)
    {
        ModerationJobEntity? job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            job = await scope.ServiceProvider.GetRequiredService<CommunityDb>().ModerationJobs.AsNoTracking()
                .FirstOrDefaultAsync(j => j.Id == jobId);
        }
        if (job is null || job.CompletedAt is not null)
        {
            return;
        }
        var moderator = new Caller(job.ModeratorId, job.ModeratorName, job.ModeratorRole);
        while (job.Kind != EraseReply && await NextTopicsAsync(job) is { Count: > 0 } topics)
        {
            foreach (var topicId in topics)
            {
                while (await StepAsync(job, topicId, moderator) >= StepSize)
                {
                }
                // Still ours: a long job keeps its lease while it makes progress.
                await WriteWithRetryAsync(new LeaseJobCommand(job.Id, LeaseEnd(), renew: true));
                if (options.Value.JobStepPause > TimeSpan.Zero)
                {
                    await Task.Delay(options.Value.JobStepPause, time);
                }
            }
        }
        if (job.Kind is EraseReplies or EraseReply)
        {
            await CompactAsync(job);
        }
        await WriteWithRetryAsync(new CompleteJobCommand(job.Id));
        LogCompleted(logger, job.Id, job.Kind, job.UserId);
    }

    // Readers in the middle of an older snapshot keep the WAL from being truncated: no giving up (the erasure is
    // not done before), quickly at first, then once a second, keeping the lease while it waits.
    private async Task CompactAsync(ModerationJobEntity job)
    {
        var renewed = time.GetTimestamp();
        for (var attempt = 1; !await compaction.TryAsync(CancellationToken.None); attempt++)
        {
            if (attempt == BusyAttemptsBeforeWarning)
            {
                LogCompactionBusy(logger, job.Id);
            }
            if (time.GetElapsedTime(renewed) > options.Value.JobLease / 3)
            {
                await WriteWithRetryAsync(new LeaseJobCommand(job.Id, LeaseEnd(), renew: true));
                renewed = time.GetTimestamp();
            }
            await Task.Delay(TimeSpan.FromMilliseconds(attempt < BusyAttemptsBeforeWarning ? 100 : 1000), time);
        }
    }

    private async Task<List<string>> NextTopicsAsync(ModerationJobEntity job)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var replies = db.Replies.AsNoTracking().Where(r => r.AuthorId == job.UserId);
        replies = job.Kind == EraseReplies ? replies.Where(r => !r.Erased) : replies.Where(r => r.State != ReplyState.Removed);
        return await replies.Select(r => r.TopicId).Distinct().Take(100).ToListAsync();
    }

    private Task<int> StepAsync(ModerationJobEntity job, string topicId, Caller moderator) =>
        WriteWithRetryAsync(new UserRepliesStepCommand(topicId, job.UserId, moderator, job.Reason, StepSize, job.Kind == EraseReplies, queue, notifier));

    // A busy database only delays a job; anything else stops this run, and the job is taken up again when its lease ends.
    private async Task<T> WriteWithRetryAsync<T>(WriteCommand<T> command)
    {
        while (true)
        {
            var outcome = await writer.WriteAsync(command);
            if (outcome.Rejection is null)
            {
                return outcome.Value!;
            }
            if (outcome.Rejection.RetryAfter is not { } retryAfter)
            {
                throw new InvalidOperationException($"a moderation job step was refused: {outcome.Rejection.Detail}");
            }
            await Task.Delay(retryAfter, time);
        }
    }

    private DateTime LeaseEnd() => time.GetUtcNow().UtcDateTime + options.Value.JobLease;

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Moderation job {JobId} ({Kind} of {UserId}) completed")]
    private static partial void LogCompleted(ILogger logger, string jobId, string kind, string userId);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Moderation job {JobId} was left unfinished by its instance; this instance finishes it")]
    private static partial void LogResumed(ILogger logger, string jobId);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Moderation job {JobId} stopped before its end; it is taken up again when its lease runs out")]
    private static partial void LogJobFailed(ILogger logger, Exception ex, string jobId);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning,
        Message = "Moderation job {JobId}: readers keep the SQLite WAL busy, so the erased text is not yet out of the files; trying once a second until it is")]
    private static partial void LogCompactionBusy(ILogger logger, string jobId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Looking for unfinished moderation jobs failed; will look again")]
    private static partial void LogResumeFailed(ILogger logger, Exception ex);
}
