using LiveCommunity.Server.Writes.Internal;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// A feature that takes part in every batch rather than in one command: state that many commands of a batch
/// change in memory and that is stored once, before the commit (one row update and one event per thing changed,
/// however many commands changed it), and state kept per topic queue across batches (writes of its own that fall
/// due later, and reasons for the queue to stay). The pipeline calls it at fixed points and knows nothing else of
/// it, so a feature plugs in by registering one (DI, as a singleton) instead of living inside the pipeline.
/// </summary>
public interface IBatchParticipant
{
    /// <summary>Its state for a new topic queue (null: the queue of writes that change no topic).</summary>
    IQueuePart ForQueue(string? topicId);
}

/// <summary>
/// A participant's state for one topic queue, alive until the queue retires. Called only by that queue's one
/// drain loop (directly, or from the batches it runs), one call at a time: it needs no lock of its own. Times
/// are the queue's TimeProvider timestamps.
/// </summary>
public interface IQueuePart
{
    /// <summary>A batch of the queue begins: its part, which commands reach by type (<see cref="WriteContext.Part{T}"/>).</summary>
    IBatchPart Begin(WriteContext batch);

    /// <summary>Writes of its own that are due at <paramref name="now"/>: they run in the queue's next batch.</summary>
    void AddDue(long now, DueWrites due);

    /// <summary>One of the writes it added was taken into a batch: from here on that batch answers for it.</summary>
    void Started(object command);

    /// <summary>
    /// Asked when the queue has nothing to run: null when the queue may retire as far as this part goes;
    /// otherwise how long until the queue should ask again (for due writes, or once more whether to retire).
    /// </summary>
    TimeSpan? Holds(long now);
}

/// <summary>A participant's state for one batch; begun with the batch, dropped after it was published.</summary>
public interface IBatchPart
{
    /// <summary>Before each command runs. Commands run one at a time, so marks never nest: keep the last one.</summary>
    void Mark();

    /// <summary>The command since the last <see cref="Mark"/> was refused or failed: take back what it changed here.</summary>
    void Undo();

    /// <summary>After every command ran, in the batch's transaction before the commit: store what the batch changed.</summary>
    Task StoreAsync(WriteContext batch, CancellationToken ct);

    /// <summary>The batch committed and its events went out (TimeProvider timestamp), so its queue part may learn from it.</summary>
    void Published(long at);
}

/// <summary>
/// Where a queue part puts writes of its own that fell due. A struct over the queue's list: a busy queue asks for due
/// writes before every batch, and that must cost no allocation.
/// </summary>
public readonly struct DueWrites
{
    private readonly List<PendingWrite> _pending;
    private readonly IQueuePart _from;
    private readonly long _now;

    internal DueWrites(List<PendingWrite> pending, IQueuePart from, long now) => (_pending, _from, _now) = (pending, from, now);

    /// <summary>Queues <paramref name="command"/> behind the writes already waiting; nobody awaits its outcome.</summary>
    public void Add<T>(WriteCommand<T> command) =>
        _pending.Add(new PendingWrite<T>(command) { EnqueuedAt = _now, DueFrom = _from });
}
