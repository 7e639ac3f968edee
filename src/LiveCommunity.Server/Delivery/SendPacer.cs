namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Spaces sends of one kind at least <c>spacing</c> apart across the cluster: one slot at a time on this instance,
/// and each slot a send turn (<see cref="ISendTurns"/>) that no other instance holds, so at most one send per
/// spacing reaches a client whatever the number of instances or of things that changed. Callers wait in line.
/// </summary>
public sealed class SendPacer(string turnKey, TimeSpan spacing, ISendTurns turns, TimeProvider time)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private long? _lastSlot;
    private int _waiting;

    /// <summary>Callers waiting for a slot now: the line's length.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Returns when this instance may send one message.</summary>
    public async Task WaitForSlotAsync()
    {
        Interlocked.Increment(ref _waiting);
        await _one.WaitAsync();
        try
        {
            while (true)
            {
                if (_lastSlot is { } last && spacing - time.GetElapsedTime(last) is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time);
                }
                _lastSlot = time.GetTimestamp();
                // Another instance holds this slot: it sends, ours follows a slot later.
                if (await turns.TryTakeAsync(turnKey, spacing))
                {
                    return;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            _one.Release();
        }
    }
}
