using System.Collections.Concurrent;
using LiveCommunity.Server.Storage;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// This instance's topic queues and what they share: the batch slots (one per write connection, so the
/// database never sees more write transactions from us than the pool holds), the batch runner and the
/// participants whose parts every queue and batch carry.
/// </summary>
internal sealed class QueueSet(
    BatchRunner runner, WriteDatabase database, IOptions<WriteOptions> options, IEnumerable<IBatchParticipant> participants, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TopicQueue> _queues = new(StringComparer.Ordinal);

    public BatchRunner Runner { get; } = runner;
    public SemaphoreSlim Slots { get; } = new(database.MaxBatches, database.MaxBatches);
    public WriteOptions Options { get; } = options.Value;
    public IBatchParticipant[] Participants { get; } = [.. participants];
    public TimeProvider Time { get; } = time;

    public int Count => _queues.Count;

    public EnqueueResult Enqueue(PendingWrite write)
    {
        while (true)
        {
            // Topic-less writes (bans, jobs) share the queue with the empty key: no topic id is empty.
            var queue = _queues.GetOrAdd(write.TopicId ?? "", key => new TopicQueue(key, this));
            var result = queue.TryEnqueue(write);
            if (result != EnqueueResult.Retired)
            {
                return result;
            }
        }
    }

    /// <summary>Called by a queue, under its lock, as it retires.</summary>
    public void Remove(TopicQueue queue) => _queues.TryRemove(new KeyValuePair<string, TopicQueue>(queue.Key, queue));
}
