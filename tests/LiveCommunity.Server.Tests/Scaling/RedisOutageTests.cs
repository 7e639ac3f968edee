using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Scaling;

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class RedisOutageTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ARedisOutageLosesNothingAndDeliveryAcrossInstancesComesBack()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var onA = new TopicFollower(topicId);
        await onA.AttachAsync(await cluster.A.Anonymous().ConnectAsync());
        var onB = new TopicFollower(topicId);
        await onB.AttachAsync(await cluster.B.Anonymous().ConnectAsync());
        var writerA = cluster.A.Member("WriterA");
        var writerB = cluster.B.Member("WriterB");
        var posted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            posted.Add((string)(await writerA.PostReplyAsync(topicId, $"before {i} on A"))["id"]!);
            posted.Add((string)(await writerB.PostReplyAsync(topicId, $"before {i} on B"))["id"]!);
        }

        cluster.Redis.Stop();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        await cluster.B.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        // Writes keep succeeding: the database is the truth, Redis only carries news of them.
        for (var i = 0; i < 5; i++)
        {
            posted.Add((string)(await writerA.PostReplyAsync(topicId, $"during {i} on A"))["id"]!);
            posted.Add((string)(await writerB.PostReplyAsync(topicId, $"during {i} on B"))["id"]!);
        }
        // Each instance keeps serving its own watchers live.
        var lastOnA = posted[^2];
        var lastOnB = posted[^1];
        await onA.Current.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == lastOnA);
        await onB.Current.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == lastOnB);
        // A watcher may even start watching during the outage.
        var lateOnA = new TopicFollower(topicId);
        await lateOnA.AttachAsync(await cluster.A.Anonymous().ConnectAsync());

        await cluster.Redis.RestartAsync();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.OK);
        await cluster.B.WaitForReadinessAsync(HttpStatusCode.OK);

        // Cross-instance delivery resumes without a restart: B's posts reach both watchers on A live again.
        await PostUntilSeenLiveAsync(writerB, topicId, posted, onA.Current);
        await PostUntilSeenLiveAsync(writerB, topicId, posted, lateOnA.Current);

        List<string> thread = [];
        long lastSeq = 0;
        await writerA.WithDbAsync(async db =>
        {
            thread = await db.Replies.Where(r => r.TopicId == topicId).OrderBy(r => r.Seq).Select(r => r.Id).ToListAsync();
            lastSeq = (await db.Topics.SingleAsync(t => t.Id == topicId)).LastSeq;
        });
        Assert.Equal(posted.Order(), thread.Order());
        foreach (var follower in new[] { onA, onB, lateOnA })
        {
            await follower.CatchUpAsync(lastSeq);
            Assert.Equal(thread, follower.Mirror.ReplyIds);
            await follower.Current.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnInstanceStartsAndServesItsOwnWatchersWhileRedisIsUnreachable()
    {
        // Nothing listens on this port: Redis is down from the start.
        using var alone = new ClusterHost(cluster.Database, $"127.0.0.1:{LocalProcess.FreePort()},connectTimeout=1000");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await alone.ReadinessAsync());

        var topicId = (string)(await alone.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await alone.Anonymous().ConnectAsync();
        Assert.Equal(1, (int)(await watcher.WatchAsync(topicId))["watchers"]!);
        var replyId = (string)(await alone.Member().PostReplyAsync(topicId, "no Redis needed"))["id"]!;
        await watcher.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == replyId);
    }

    private static async Task PostUntilSeenLiveAsync(TestUser writer, string topicId, List<string> posted, Watcher watcher)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var id = (string)(await writer.PostReplyAsync(topicId, "after the outage"))["id"]!;
            posted.Add(id);
            try
            {
                await watcher.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == id, timeoutMs: 2_000);
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // the subscription may come back a moment after the connection does; try another post
            }
        }
    }
}
