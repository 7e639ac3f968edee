using System.Text.Json.Nodes;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A client following one topic the way PROTOCOL.md tells clients to: apply live events by seq, drop repeats,
/// and on a gap (or after reconnecting, perhaps to another instance) call Watch(topicId, lastSeq) to replay.
/// </summary>
public sealed class TopicFollower(string topicId)
{
    private readonly List<Watcher> _connections = [];

    public ThreadMirror Mirror { get; } = new();
    public Watcher Current => _connections[^1];

    /// <summary>Seqs of every event received, live or replayed, over every connection (repeats included).</summary>
    public List<long> Delivered { get; } = [];

    /// <summary>Watches over a (new) connection, resuming after the last applied seq.</summary>
    public async Task<JsonObject> AttachAsync(Watcher connection)
    {
        _connections.Add(connection);
        var result = await connection.WatchAsync(topicId, Mirror.LastApplied == 0 ? null : Mirror.LastApplied);
        AddMissed(result);
        return result;
    }

    /// <summary>Applies what arrived and replays gaps until the thread is complete up to <paramref name="lastSeq"/>.</summary>
    public async Task CatchUpAsync(long lastSeq, int timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            foreach (var connection in _connections)
            {
                foreach (var (seq, (type, payload)) in connection.LiveBySeq(topicId))
                {
                    Mirror.Add(type, payload);
                }
            }
            if (Mirror.Apply(lastSeq))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"follower of {topicId} stuck at seq {Mirror.LastApplied}, expected {lastSeq}");
            }
            AddMissed(await Current.WatchAsync(topicId, Mirror.LastApplied));
        }
    }

    private void AddMissed(JsonObject watchResult)
    {
        Assert.False((bool)watchResult["reset"]!, "the log still holds every event, so Watch must not reset");
        var missed = watchResult["missed"]!.AsArray();
        Mirror.AddMissed(missed);
        Delivered.AddRange(missed.Select(e => (long)e!["seq"]!));
    }
}
