using LiveCommunity.Server.Common;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Writes.Internal;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// The one way to change what readers see (DESIGN.md "Shape"). Each command waits behind its topic on this
/// instance; concurrent commands of a topic drain into one transaction per batch, each with its own seq and
/// events, and are published in seq order after the commit. A command that cannot start within
/// <see cref="WriteOptions.MaxWait"/>, or finds the queues full, is refused as busy (503 with Retry-After);
/// one whose caller goes away before it starts is dropped with nothing written, and once started it always
/// runs to its end.
/// </summary>
public sealed class TopicWriter
{
    private readonly QueueSet _queues;
    private readonly CommunityMetrics _metrics;
    private readonly WriteLog _log;
    private readonly TimeProvider _time;
    private readonly WriteOptions _options;
    private readonly Rejection _busy;
    private int _queued;

    internal TopicWriter(QueueSet queues, CommunityMetrics metrics, WriteLog log, TimeProvider time, IOptions<WriteOptions> options)
    {
        (_queues, _metrics, _log, _time, _options) = (queues, metrics, log, time, options.Value);
        _busy = Rejection.Busy(_options.RetryAfter);
        metrics.ObserveWriteQueueWith(() => Volatile.Read(ref _queued), () => _queues.Count);
    }

    /// <summary>Commands waiting or running on this instance.</summary>
    internal int Queued => Volatile.Read(ref _queued);

    public async Task<Outcome<T>> WriteAsync<T>(WriteCommand<T> command, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _queued) > _options.MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return Refused(command.TopicId, "instance queue full");
        }
        try
        {
            var pending = new PendingWrite<T>(command) { EnqueuedAt = _time.GetTimestamp() };
            if (_queues.Enqueue(pending) == EnqueueResult.Full)
            {
                return Refused(command.TopicId, "topic queue full");
            }
            using var expiry = new CancellationTokenSource(_options.MaxWait, _time);
            await using var expired = expiry.Token.Register(() =>
            {
                if (pending.TryAbandon(_busy))
                {
                    _metrics.WritesFinished(1, "busy");
                    _log.WriteRefusedBusy(command.TopicId ?? "-", "not started in time");
                }
            });
            await using var cancelled = ct.Register(() => pending.TryAbandon(null));
            return await pending.Result;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private Rejection Refused(string? topicId, string why)
    {
        _metrics.WritesFinished(1, "busy");
        _log.WriteRefusedBusy(topicId ?? "-", why);
        return _busy;
    }
}
