using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// The host's <see cref="ITopicVersions"/>, with a gate on one topic: the writer, right after committing a batch of
/// it, waits in <see cref="Advanced"/> until the test opens the gate. Holds a write in flight between its commit
/// and its answer, the part of a batch that publishes.
/// </summary>
public sealed class GatedTopicVersions(ITopicVersions inner) : ITopicVersions
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wraps the host's registered implementation (call from ConfigureTestServices).</summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ITopicVersions)).ImplementationType!;
        services.AddSingleton<ITopicVersions>(provider =>
            new GatedTopicVersions((ITopicVersions)ActivatorUtilities.CreateInstance(provider, registered)));
    }

    public string? GatedTopic { get; set; }

    /// <summary>Completes when a batch of the gated topic is waiting at the gate.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _open.Set();

    public void Advanced(string topicId, long lastSeq)
    {
        if (topicId == GatedTopic)
        {
            _reached.TrySetResult();
            _open.Wait(TimeSpan.FromSeconds(60)); // bounded: a failing test must not hang the run
        }
        inner.Advanced(topicId, lastSeq);
    }

    public ValueTask<long?> TopicAsync(CommunityDb db, string topicId, CancellationToken ct) => inner.TopicAsync(db, topicId, ct);

    public long? List() => inner.List();

    public void Observed(string topicId, long lastSeq) => inner.Observed(topicId, lastSeq);
}
