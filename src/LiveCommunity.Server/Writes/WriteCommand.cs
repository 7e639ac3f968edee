using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// A change described by a feature: what to check and which rows and events it makes, never how to run it.
/// <see cref="TopicWriter"/> queues it behind its topic, runs it inside a batch transaction with the topic
/// locked, and publishes its events after the commit. A command returns a <see cref="Rejection"/> to refuse;
/// everything it wrote is then rolled back and its neighbours in the batch are not affected.
/// </summary>
public abstract class WriteCommand<T>
{
    /// <summary>The topic whose seq and queue it uses; null for writes that change no topic (bans, jobs).</summary>
    public abstract string? TopicId { get; }

    /// <summary>The signed-in user it acts for: recorded, and refused while banned. Null for the system.</summary>
    public abstract Caller? Writer { get; }

    public abstract Task<Outcome<T>> ExecuteAsync(WriteContext write, CancellationToken ct);

    /// <summary>
    /// Whether its batch may wait up to Writes:ReactionBatchDelay for more commands to share the transaction: for
    /// commands whose effect others see coalesced anyway (a reaction's count goes out once per window), so that a
    /// steady stream of them pays for one commit per few, not one each. A batch holding any other command waits
    /// only MaxBatchDelay.
    /// </summary>
    public virtual bool MayWaitForBatch => false;
}
