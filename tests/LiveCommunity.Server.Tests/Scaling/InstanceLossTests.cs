using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Scaling;

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class InstanceLossTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task WatcherOfAStoppedInstanceResumesOnTheOtherWithNothingMissedOrRepeated()
    {
        const int total = 60;
        var topicId = (string)(await cluster.B.Moderator().CreateTopicAsync())["id"]!;
        var follower = new TopicFollower(topicId);
        var first = await cluster.A.Anonymous().ConnectAsync();
        await follower.AttachAsync(first);
        var closed = new TaskCompletionSource();
        first.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        var writer = cluster.B.Member("Writer");
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await writer.PostReplyAsync(topicId, $"reply {i}");
            }
        });
        await first.WaitUntilAsync(w => w.LiveBySeq(topicId).Count >= 10, what: "the first ten replies");

        cluster.A.Dispose(); // the instance goes away while B keeps taking replies
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var appliedBefore = ApplyLive(follower, first, topicId);

        var resumed = await follower.AttachAsync(await cluster.B.Anonymous().ConnectAsync());
        var missed = resumed["missed"]!.AsArray().Select(e => (long)e!["seq"]!).ToList();
        // The replay starts right after the last applied event and has no holes and no repeats.
        Assert.Equal(Enumerable.Range((int)appliedBefore + 1, missed.Count).Select(i => (long)i), missed);
        Assert.Equal((long)resumed["lastSeq"]!, appliedBefore + missed.Count);

        await writing;
        List<string> thread = [];
        await writer.WithDbAsync(async db =>
            thread = await db.Replies.Where(r => r.TopicId == topicId).OrderBy(r => r.Seq).Select(r => r.Id).ToListAsync());
        await follower.CatchUpAsync(total);
        Assert.Equal(thread, follower.Mirror.ReplyIds);
        Assert.Equal(total, follower.Mirror.ReplyIds.Count);
        await follower.Current.DisposeAsync();
    }

    /// <summary>What the client had applied when its connection dropped: live events up to the first gap.</summary>
    private static long ApplyLive(TopicFollower follower, Watcher connection, string topicId)
    {
        foreach (var (_, (type, payload)) in connection.LiveBySeq(topicId))
        {
            follower.Mirror.Add(type, payload);
        }
        follower.Mirror.Apply(long.MaxValue);
        return follower.Mirror.LastApplied;
    }
}
