using System.Collections.Concurrent;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// How a cached read knows it is current: a topic's version is its <c>lastSeq</c>, which rises with every
/// change readers can see (replies, edits, removals, reactions, lock). A cached page is filed under the version
/// it was built at or later, and looked up under the version current when the request arrives, so it is never
/// older than a change whose write has answered or whose event has been published.
/// </summary>
public interface ITopicVersions
{
    /// <summary>The topic's current version, or null when unknown (then the read is not cached).</summary>
    ValueTask<long?> TopicAsync(CommunityDb db, string topicId, CancellationToken ct);

    /// <summary>A token that changes whenever the topic list may have (new topics, counts); null: do not cache.</summary>
    long? List();

    /// <summary>The writer committed a batch of this topic (before it publishes the events).</summary>
    void Advanced(string topicId, long lastSeq);

    /// <summary>A read saw this version.</summary>
    void Observed(string topicId, long lastSeq);
}

/// <summary>
/// One instance, one writer (no Redis configured): every change of every topic is committed by this process,
/// so versions are kept in memory, advanced by the writer right after its commit.
/// </summary>
public sealed class LocalTopicVersions : ITopicVersions
{
    // Topics with a version known here; bounded: past the cap it starts over (a few reads are then not cached).
    private const int MaxTopics = 100_000;
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _list;

    public ValueTask<long?> TopicAsync(CommunityDb db, string topicId, CancellationToken ct) =>
        ValueTask.FromResult(_versions.TryGetValue(topicId, out var version) ? version : (long?)null);

    public long? List() => Volatile.Read(ref _list);

    public void Advanced(string topicId, long lastSeq)
    {
        Raise(topicId, lastSeq);
        Interlocked.Increment(ref _list);
    }

    public void Observed(string topicId, long lastSeq) => Raise(topicId, lastSeq);

    private void Raise(string topicId, long lastSeq)
    {
        if (_versions.Count >= MaxTopics && !_versions.ContainsKey(topicId))
        {
            _versions.Clear();
        }
        _versions.AddOrUpdate(topicId, lastSeq, (_, known) => Math.Max(known, lastSeq));
    }
}

/// <summary>
/// Several instances (Redis configured): other instances write too, and this one hears their events only for
/// topics its own readers watch. So a topic's version is read from the database, the truth, with one point
/// query per request (the topic's primary key): cheaper than the page by far, and never stale. The topic list
/// carries no reply text; its token changes with this instance's writes and at least once a second.
/// </summary>
public sealed class DatabaseTopicVersions(TimeProvider time) : ITopicVersions
{
    private static readonly CompiledQuery<Func<CommunityDb, string, Task<long?>>> LastSeq = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string topicId) => db.Topics.Where(t => t.Id == topicId).Select(t => (long?)t.LastSeq).FirstOrDefault()));

    private long _list;

    public async ValueTask<long?> TopicAsync(CommunityDb db, string topicId, CancellationToken ct) => await LastSeq.For(db)(db, topicId);

    public long? List() => Volatile.Read(ref _list) * 1_000_000 + time.GetUtcNow().ToUnixTimeSeconds() % 1_000_000;

    public void Advanced(string topicId, long lastSeq) => Interlocked.Increment(ref _list);

    public void Observed(string topicId, long lastSeq)
    {
    }
}

/// <summary>Caching switched off (ReadCache:Enabled=false, the benchmark's baseline): every read goes to the database.</summary>
public sealed class NoTopicVersions : ITopicVersions
{
    public ValueTask<long?> TopicAsync(CommunityDb db, string topicId, CancellationToken ct) => ValueTask.FromResult<long?>(null);

    public long? List() => null;

    public void Advanced(string topicId, long lastSeq)
    {
    }

    public void Observed(string topicId, long lastSeq)
    {
    }
}
