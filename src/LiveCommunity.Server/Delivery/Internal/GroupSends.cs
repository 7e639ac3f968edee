namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>
/// One group's sends on this instance, written to its members in the order they were issued. A send to a small
/// group with nothing queued is written by its caller at once. A send to a bigger group, or one issued while
/// others wait, queues, and one loop on the thread pool writes the queue: the events waiting together (a batch's)
/// member by member, so each member's socket sends them in one write (<see cref="GroupSends.MaxRun"/>).
/// <para>
/// Why, measured with a live blog of 15,000 readers (bench/findings.md, seventh round): written in line, one
/// update's loop held the topic's write pipeline for 100–540 ms. The journalist's answer and the topic's next
/// batch waited for it, so a write's latency grew with the number of watchers. A loop over a big group also held
/// a Kestrel block per member until its socket send ran, so state (presence) was paced in a loop of its own,
/// unordered with the events. The group's one loop keeps one order for all of it. A heartbeat of the topic's last
/// seq can overtake the event it names only between the commit and the publish, no longer for a whole loop.
/// </para>
/// The queue is bounded for those who wait for <see cref="RoomAsync"/> (the topic's write pipeline). A group whose
/// fan-out falls behind holds its writers back, as a loop in line did, instead of queueing without end.
/// </summary>
/// <param name="count">The group's members now.</param>
/// <param name="members">A live view of the members, read once per message.</param>
internal sealed class GroupSends<TMember>(Func<int> count, Func<IEnumerable<TMember>> members,
    int inlineMembers = GroupSends.InlineMembers, int slice = GroupSends.Slice, int maxQueued = GroupSends.MaxQueued)
{
    private readonly Lock _gate = new();
    private readonly Queue<(Action<TMember> Deliver, bool Paced)> _queue = new();
    private bool _draining;
    private TaskCompletionSource? _room;

    /// <summary>Messages waiting for the group's loop.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Writes one message to every member (<paramref name="deliver"/>, which must not wait or throw) after every
    /// message issued before it: now if the group is small and nothing waits, else from the group's loop.
    /// </summary>
    /// <param name="paced">
    /// A turn of the thread pool after every slice of members, for state (presence, a topic's last seq) that may
    /// reach a member a moment later. Events are written in one go: with 15,000 readers, a turn per 64 of them
    /// put the loop behind all other work 234 times and raised the live blog's update p99 (bench/findings.md).
    /// </param>
    public void Send(Action<TMember> deliver, bool paced = false)
    {
        lock (_gate)
        {
            if (_draining)
            {
                _queue.Enqueue((deliver, paced));
                return;
            }
            if (_queue.Count == 0 && count() <= inlineMembers)
            {
                // Under the lock: a send issued meanwhile waits for this one, so it cannot overtake it.
                foreach (var member in members())
                {
                    deliver(member);
                }
                return;
            }
            _queue.Enqueue((deliver, paced));
            _draining = true;
        }
        // On this thread's own queue: it runs as soon as the caller's work item ends, not behind the socket sends
        // in the global queue (fanout-saturation: p99 at 200 posts/s 359 ms, against 775 ms from the global queue).
        ThreadPool.UnsafeQueueUserWorkItem(static sends => _ = sends.DrainAsync(), this, preferLocal: true);
    }

    /// <summary>
    /// Completes once fewer than the bound's messages wait (by default: none waits behind the one being written).
    /// A caller that issues sends at its own rate (a topic's writes) awaits it after issuing them. Sends are never
    /// refused: the bound holds for those who wait.
    /// </summary>
    public Task RoomAsync()
    {
        lock (_gate)
        {
            if (_queue.Count < maxQueued)
            {
                return Task.CompletedTask;
            }
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task;
        }
    }

    private async Task DrainAsync()
    {
        var run = new List<Action<TMember>>(GroupSends.MaxRun);
        try
        {
            while (true)
            {
                (Action<TMember> Deliver, bool Paced) next;
                TaskCompletionSource? room = null;
                run.Clear();
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        _draining = false;
                        return;
                    }
                    run.Add(next.Deliver);
                    // The events queued behind it (a batch's, as a rule) go out with it, member by member.
                    while (!next.Paced && run.Count < GroupSends.MaxRun && _queue.TryPeek(out var following) && !following.Paced)
                    {
                        run.Add(_queue.Dequeue().Deliver);
                    }
                    if (_room is not null && _queue.Count <= maxQueued / 2)
                    {
                        (room, _room) = (_room, null);
                    }
                }
                room?.TrySetResult();
                if (next.Paced)
                {
                    await WritePacedAsync(next.Deliver);
                }
                else
                {
                    // Every message of the run was queued, so committed, before the members are read: one who joins
                    // later watched from a seq past them all, as when the members were read once per message.
                    foreach (var member in members())
                    {
                        foreach (var deliver in run)
                        {
                            deliver(member);
                        }
                    }
                }
            }
        }
        finally
        {
            // Whoever waits is let go when the loop ends, even by an exception (a delivery must not throw): a room
            // never given would hold the topic's writes for good. What is still queued goes first when the next
            // send starts a loop again.
            TaskCompletionSource? room;
            lock (_gate)
            {
                (room, _room) = (_room, null);
                _draining = false;
            }
            room?.TrySetResult();
        }
    }

    // State (presence, a topic's last seq): a slice of members at a time, a turn of the thread pool between slices.
    private async Task WritePacedAsync(Action<TMember> deliver)
    {
        var written = 0;
        foreach (var member in members())
        {
            deliver(member);
            if (++written % slice == 0)
            {
                await Task.Yield(); // behind the slice's socket sends, queued by now
            }
        }
    }
}

/// <summary>The defaults of <see cref="GroupSends{TMember}"/>.</summary>
internal static class GroupSends
{
    /// <summary>Members a caller writes to itself when nothing waits: below this, a queue costs more than it saves.</summary>
    public const int InlineMembers = 64;

    /// <summary>Members written to between turns of the thread pool.</summary>
    public const int Slice = 64;

    /// <summary>
    /// Messages a group's loop may have waiting before those who wait for room wait: one, so a topic's write
    /// pipeline runs at most a batch ahead of the fan-out (its batches grow while the fan-out is behind).
    /// </summary>
    public const int MaxQueued = 1;

    /// <summary>
    /// Events written to each member in one go, when that many wait: a member's messages then reach its pipe back to
    /// back, and its socket sends them in one write where one message at a time took a write each (fanout-saturation,
    /// bench/findings.md). Few enough that a run fits in a connection's buffer (64 KB) and in its bound of pending
    /// sends (Limits:MaxPendingSends, 64) even if none of it has gone out.
    /// </summary>
    public const int MaxRun = 32;
}
