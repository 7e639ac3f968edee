using System.Diagnostics;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>A batch whose transaction committed, waiting to be published (its context is already back in the pool).</summary>
internal sealed record CommittedBatch(string? TopicId, int Count, List<PendingWrite> Kept, Batch Batch, long Started, long CommittedAt);

/// <summary>
/// Runs one batch of one topic's commands in one transaction (DESIGN.md "Shape"): lock the topic, record the
/// writers and refuse the banned, run each command inside its own savepoint (a refusal or failure rolls back
/// only that command), let the participants store what the batch changed (<see cref="IBatchPart.StoreAsync"/>),
/// store the topic row once, and commit (one fsync): <see cref="CommitAsync"/>,
/// inside a batch slot. Then, with the slot released, publish the events in seq order and answer the callers:
/// <see cref="PublishAsync"/>.
/// </summary>
internal sealed class BatchRunner(
    WriteDatabase database,
    Writers writers,
    TopicEventPublisher publisher,
    ReadCache.ITopicVersions versions,
    CommunityMetrics metrics,
    TimeProvider time,
    IOptions<WriteOptions> options,
    WriteLog log,
    IEnumerable<IWriteFollower> followers)
{
    private readonly IWriteFollower[] _followers = followers.ToArray();

    private static readonly Rejection Banned = Rejection.Forbidden("you are banned from posting and reacting");

    /// <summary>
    /// The part of a batch that needs a batch slot: the transaction, up to and including its commit. A batch that
    /// failed or was refused as busy is answered here and gives null; a committed one is published by
    /// <see cref="PublishAsync"/> after the caller released the slot, so that on SQLite (one slot) the next batch
    /// commits while this one's events go out.
    /// </summary>
    public async Task<CommittedBatch?> CommitAsync(string? topicId, List<PendingWrite> writes, IQueuePart[] parts)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var write in writes)
        {
            metrics.WriteQueued(time.GetElapsedTime(write.EnqueuedAt));
        }
        await using var db = database.CreateContext();
        var kept = new List<PendingWrite>(writes.Count);
        try
        {
            var batch = await ExecuteAsync(db, topicId, writes, kept, parts);
            return new CommittedBatch(topicId, writes.Count, kept, batch, started, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (StorageFailures.IsBusy(ex))
        {
            log.BatchBusy(ex, topicId ?? "-", writes.Count);
            // Nothing of the batch was stored: every command not answered yet is told to retry.
            var busy = Rejection.Busy(options.Value.RetryAfter);
            metrics.WritesFinished(writes.Count(w => !w.Task.IsCompleted), "busy");
            foreach (var write in writes)
            {
                write.Reject(busy);
            }
            return null;
        }
        catch (Exception ex)
        {
            log.BatchFailed(ex, topicId ?? "-", writes.Count);
            metrics.WritesFinished(writes.Count(w => !w.Task.IsCompleted), "failed");
            foreach (var write in writes)
            {
                write.Fail(ex);
            }
            return null;
        }
    }

    /// <summary>
    /// After the commit, outside the batch slot: publishes the events in seq order and answers the callers. The
    /// topic's queue runs its next batch only after this, so one topic's events still go out in seq order.
    /// </summary>
    public async Task PublishAsync(CommittedBatch committed)
    {
        var (topicId, count, kept, batch, started, committedAt) = committed;
        writers.Remember(kept.Select(w => w.Writer).OfType<Auth.Caller>());
        if (topicId is not null && kept.Count > 0)
        {
            // Before the events go out: a reader who has seen one can never be served a cached page from before it.
            versions.Advanced(topicId, batch.Topic?.LastSeq ?? 0);
        }
        await publisher.PublishAsync(batch.Events, committedAt);
        foreach (var (moderator, action, targetId) in batch.Audits)
        {
            metrics.ModerationAction(action);
            log.ModerationAction(moderator.Id, action, targetId);
        }
        foreach (var action in batch.AfterCommitActions)
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                log.AfterCommitFailed(ex, topicId ?? "-");
            }
        }
        foreach (var write in kept)
        {
            write.Complete();
        }
        metrics.WritesFinished(kept.Count, "ok");
        metrics.BatchRan(count, Stopwatch.GetElapsedTime(started, committedAt));
    }

    /// <summary>
    /// After <see cref="PublishAsync"/>, before the topic's next batch: waits while the watchers' fan-out here is
    /// more than this batch behind (<see cref="TopicEventPublisher.RoomAsync"/>). The writers are answered already.
    /// </summary>
    public Task RoomAsync(CommittedBatch committed) => publisher.RoomAsync(committed.Batch.Events);

    /// <summary>The transaction: everything up to and including the commit. Writes it keeps go into <paramref name="kept"/>.</summary>
    private async Task<Batch> ExecuteAsync(CommunityDb db, string? topicId, List<PendingWrite> writes, List<PendingWrite> kept,
        IQueuePart[] parts)
    {
        var ct = CancellationToken.None; // a batch runs to its end whoever stops waiting for it
        // Each command gets a savepoint of ours; EF's own savepoint around every SaveChanges would double them.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!database.IsSqlite)
        {
            // Waiting for another instance's topic lock is bounded; past it the batch is answered busy (503).
            var lockTimeout = $"{(int)options.Value.LockTimeout.TotalMilliseconds}ms";
            await db.Database.ExecuteSqlAsync($"SELECT set_config('lock_timeout', {lockTimeout}, true)", ct);
        }
        var now = time.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10)); // whole microseconds: what a write returns equals what a read returns
        var topic = topicId is null ? null : await LockTopicAsync(db, topicId, ct);
        // One look per batch, not per event: a site with no webhook pays no outbox row per write. A receiver
        // registered after this read hears from the next batch on.
        var webhooksListening = await db.Webhooks.AnyAsync(ct);
        var batch = new Batch(db, now, topic, webhooksListening, writes.ConvertAll(w => w.Command));
        batch.Begin(parts);
        var snapshot = topic is null ? default : (topic.LastSeq, topic.ReplyCount, topic.Locked, topic.Premoderated);
        var banned = await writers.RecordAsync(db, database.IsSqlite, writes.Select(w => w.Writer).OfType<Auth.Caller>(), now, ct);

        var refused = 0;
        foreach (var write in writes)
        {
            // A ban never stops an admin (whom only an admin could have banned in the first place).
            if (write.Writer is { } writer && writer.Role != Auth.Roles.Admin && banned.Contains(writer.Id))
            {
                write.Reject(Banned);
                refused++;
                continue;
            }
            var mark = batch.Mark();
            await transaction.CreateSavepointAsync("command", ct);
            Rejection? rejection;
            try
            {
                var context = new WriteContext(batch, write.Writer);
                rejection = await write.ExecuteAsync(context, ct);
                if (rejection is null)
                {
                    await FollowAsync(context, batch.Events.Skip(mark.Events).ToList(), ct);
                    await db.SaveChangesAsync(ct);
                }
            }
            catch (Exception ex) when (!StorageFailures.IsBusy(ex))
            {
                // A defect in one command (or a row it may not write): only it fails, the batch goes on.
                await transaction.RollbackToSavepointAsync("command", ct);
                batch.Undo(mark);
                db.ChangeTracker.Clear();
                log.CommandFailed(ex, topicId ?? "-");
                write.Fail(ex);
                metrics.WritesFinished(1, "failed");
                continue;
            }
            if (rejection is not null)
            {
                await transaction.RollbackToSavepointAsync("command", ct);
                batch.Undo(mark);
                write.Reject(rejection);
                refused++;
            }
            else
            {
                await transaction.ReleaseSavepointAsync("command", ct);
                kept.Add(write);
            }
            db.ChangeTracker.Clear();
        }
        metrics.WritesFinished(refused, "rejected");

        await batch.StorePartsAsync(ct); // before the topic row: a part may append events (and so move LastSeq)
        if (topic is not null && snapshot != (topic.LastSeq, topic.ReplyCount, topic.Locked, topic.Premoderated))
        {
            await db.Topics.Where(t => t.Id == topic.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.LastSeq, topic.LastSeq)
                .SetProperty(t => t.LastUpdateSeq, topic.LastUpdateSeq)
                .SetProperty(t => t.ReplyCount, topic.ReplyCount)
                .SetProperty(t => t.Locked, topic.Locked)
                .SetProperty(t => t.Premoderated, topic.Premoderated), ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return batch;
    }

    private async Task FollowAsync(WriteContext context, List<TopicEvent> appended, CancellationToken ct)
    {
        if (appended.Count > 0)
        {
            foreach (var follower in _followers)
            {
                await follower.FollowAsync(context, appended, ct);
            }
        }
    }

    // SQLite has one writer at a time, so reading the row is enough; PostgreSQL row-locks it until commit, so
    // two instances writing one topic take turns once per batch, not once per write.
    private async Task<TopicEntity?> LockTopicAsync(CommunityDb db, string topicId, CancellationToken ct) =>
        database.IsSqlite
            ? await TopicById.For(db)(db, topicId, ct)
            : await db.Topics.FromSql($"""SELECT * FROM "Topics" WHERE "Id" = {topicId} FOR UPDATE""").AsNoTracking().FirstOrDefaultAsync(ct);

    // Compiled once: every batch reads its topic, and at a few writes per batch building the LINQ query each time
    // cost more than the primary-key lookup itself (profiled, bench/findings.md).
    private static readonly CompiledQuery<Func<CommunityDb, string, CancellationToken, Task<TopicEntity?>>> TopicById = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string topicId, CancellationToken ct) => db.Topics.AsNoTracking().FirstOrDefault(t => t.Id == topicId)));
}
