using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// A command waiting in its topic's queue, and then running. It starts at most once; until it starts, its
/// caller's cancellation or the wait limit takes it out of the queue with nothing written.
/// </summary>
internal abstract class PendingWrite
{
    private const int Queued = 0, Running = 1, Done = 2;
    private int _state;

    public abstract string? TopicId { get; }
    public abstract Caller? Writer { get; }

    /// <summary>The feature's command behind it, for its neighbours in a batch (<see cref="WriteContext.BatchCommands"/>).</summary>
    public abstract object Command { get; }

    /// <summary>Whether its batch may wait longer to fill (<see cref="WriteCommand{T}.MayWaitForBatch"/>).</summary>
    public abstract bool MayWaitForBatch { get; }

    /// <summary>TimeProvider timestamp of enqueueing, for the queue-wait metric and the batch delay.</summary>
    public long EnqueuedAt { get; init; }

    /// <summary>The queue part that added it as due (<see cref="DueWrites"/>), told when it starts; null for callers' writes.</summary>
    public IQueuePart? DueFrom { get; init; }

    public bool IsQueued => Volatile.Read(ref _state) == Queued;

    /// <summary>Claims the command for a batch; false when it was abandoned meanwhile.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _state, Running, Queued) == Queued;

    /// <summary>Takes a command that has not started out of play: answered <paramref name="rejection"/>, or cancelled.</summary>
    public bool TryAbandon(Rejection? rejection)
    {
        if (Interlocked.CompareExchange(ref _state, Done, Queued) != Queued)
        {
            return false;
        }
        if (rejection is null)
        {
            Cancel();
        }
        else
        {
            Reject(rejection);
        }
        return true;
    }

    /// <summary>Runs the command; its value or rejection is kept until <see cref="Complete"/>.</summary>
    public abstract Task<Rejection?> ExecuteAsync(WriteContext context, CancellationToken ct);

    /// <summary>Hands the caller the command's outcome (after the commit, or at once for a refusal).</summary>
    public abstract void Complete();

    public abstract void Reject(Rejection rejection);

    public abstract void Fail(Exception exception);

    protected abstract void Cancel();

    public abstract Task Task { get; }
}

internal sealed class PendingWrite<T>(WriteCommand<T> command) : PendingWrite
{
    private readonly TaskCompletionSource<Outcome<T>> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Outcome<T> _outcome;

    public override string? TopicId => command.TopicId;
    public override Caller? Writer => command.Writer;
    public override object Command => command;
    public override bool MayWaitForBatch => command.MayWaitForBatch;
    public override Task Task => _result.Task;
    public Task<Outcome<T>> Result => _result.Task;

    public override async Task<Rejection?> ExecuteAsync(WriteContext context, CancellationToken ct)
    {
        _outcome = await command.ExecuteAsync(context, ct);
        return _outcome.Rejection;
    }

    public override void Complete() => _result.TrySetResult(_outcome);
    public override void Reject(Rejection rejection) => _result.TrySetResult(rejection);
    public override void Fail(Exception exception) => _result.TrySetException(exception);
    protected override void Cancel() => _result.TrySetCanceled();
}
