using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Scaling;

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class CrossInstanceDeliveryTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task WatcherOnOneInstanceSeesWritesMadeOnTheOther()
    {
        var topicId = (string)(await cluster.B.Moderator().CreateTopicAsync())["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        await onA.WatchAsync(topicId);

        var author = cluster.B.Member("Bea");
        var reply = await author.PostReplyAsync(topicId, "posted on B");
        var replyId = (string)reply["id"]!;
        await onA.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == replyId);

        using (var http = cluster.B.Member("Liker").Http())
        {
            (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
        }
        await onA.WaitForAsync("ReactionsChanged", e => (string?)e["replyId"] == replyId && (int)e["reactions"]!["like"]! == 1);

        using (var http = author.Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
        }
        await onA.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);
    }

    [Fact]
    public async Task ModeratorsWatchingTheQueueOnOneInstanceHearOfReportsAndDecisionsOnTheOther()
    {
        var topicId = (string)(await cluster.B.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await cluster.B.Member("Bea").PostReplyAsync(topicId, "reported on B"))["id"]!;
        await using var onA = await cluster.A.Moderator().ConnectAsync();
        var changes = new ConcurrentQueue<System.Text.Json.Nodes.JsonObject>();
        onA.Connection.On<System.Text.Json.JsonElement>("QueueChanged", e => changes.Enqueue(System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!.AsObject()));
        await onA.Connection.InvokeAsync<System.Text.Json.JsonElement>("WatchQueue");

        using (var reader = cluster.B.Member("Reader").Http())
        {
            (await reader.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "spam" })).EnsureSuccessStatusCode();
        }
        using (var moderator = cluster.B.Moderator().Http())
        {
            (await moderator.PostAsync($"/api/moderation/queue/{replyId}/approve", null)).EnsureSuccessStatusCode();
        }
        await onA.WaitUntilAsync(_ => changes.Count(c => (string?)c["replyId"] == replyId) == 2, timeoutMs: 30_000, what: "two QueueChanged from B");
        Assert.Equal(["reported", "approved"], changes.Where(c => (string?)c["replyId"] == replyId).Select(c => (string)c["state"]!));
    }

    [Fact]
    public async Task APageCachedOnOneInstanceNeverShowsAReplyRemovedOrHiddenOnTheOther()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var removedId = (string)(await cluster.A.Member().PostReplyAsync(topicId, "removed on A"))["id"]!;
        await cluster.A.Member().PostReplyAsync(topicId, "stays");
        using var anonymousOnB = cluster.B.Anonymous().Http();
        using var signedInOnB = cluster.B.Member("reader").Http();
        foreach (var http in new[] { anonymousOnB, signedInOnB, anonymousOnB, signedInOnB })
        {
            Assert.Contains("removed on A", await (await http.GetAsync($"/api/topics/{topicId}/replies")).Content.ReadAsStringAsync());
        }

        using (var moderator = cluster.A.Moderator().Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{removedId}")).StatusCode);
        }
        foreach (var http in new[] { anonymousOnB, signedInOnB })
        {
            var body = await (await http.GetAsync($"/api/topics/{topicId}/replies")).Content.ReadAsStringAsync();
            Assert.DoesNotContain("removed on A", body);
            Assert.Contains("stays", body);
        }
    }

    [Fact]
    public async Task PresenceCountsWatchersOnEveryInstance()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        Assert.Equal(1, (int)(await onA.WatchAsync(topicId))["watchers"]!);

        var onB1 = await cluster.B.Anonymous().ConnectAsync();
        Assert.Equal(2, (int)(await onB1.WatchAsync(topicId))["watchers"]!);
        await using var onB2 = await cluster.B.Anonymous().ConnectAsync();
        Assert.Equal(3, (int)(await onB2.WatchAsync(topicId))["watchers"]!);
        // Joins on B reach the watcher on A through the backplane.
        await onA.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 3, timeoutMs: 30_000);

        await onB1.DisposeAsync();
        await onA.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 2, timeoutMs: 30_000);
    }

    [Fact]
    public async Task ConcurrentWritersOnTwoInstancesGetGapFreeSeqsAndEveryWatcherTheSameThread()
    {
        const int writers = 10, repliesEach = 30, total = writers * repliesEach;
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var followers = new List<TopicFollower>();
        foreach (var host in new[] { cluster.A, cluster.A, cluster.B, cluster.B })
        {
            var follower = new TopicFollower(topicId);
            await follower.AttachAsync(await host.Anonymous().ConnectAsync());
            followers.Add(follower);
        }

        var posted = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var writer = (w % 2 == 0 ? cluster.A : cluster.B).Member($"Writer{w}");
            for (var i = 0; i < repliesEach; i++)
            {
                posted.Add((string)(await writer.PostReplyAsync(topicId, $"reply {i} of writer {w}"))["id"]!);
            }
        })));

        List<long> seqs = [];
        List<string> threadInDb = [];
        await cluster.A.Member().WithDbAsync(async db =>
        {
            seqs = await db.TopicEvents.Where(e => e.TopicId == topicId).OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync();
            threadInDb = await db.Replies.Where(r => r.TopicId == topicId).OrderBy(r => r.Seq).Select(r => r.Id).ToListAsync();
            Assert.Equal(total, (await db.Topics.SingleAsync(t => t.Id == topicId)).LastSeq);
        });
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
        Assert.Equal(posted.Order(), threadInDb.Order());

        foreach (var follower in followers)
        {
            await follower.CatchUpAsync(total);
            Assert.Equal(threadInDb, follower.Mirror.ReplyIds);
            await follower.Current.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConcurrentReactionsOnTwoInstancesCountExactlyAndEndInOneFinalCount()
    {
        const int readers = 20;
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await cluster.A.Member("Author").PostReplyAsync(topicId, "react to me"))["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        await onA.WatchAsync(topicId);

        await Task.WhenAll(Enumerable.Range(0, readers).Select(r => Task.Run(async () =>
        {
            using var http = (r % 2 == 0 ? cluster.A : cluster.B).Member($"Reader{r}").Http();
            // Twice each: the second PUT is a no-op (idempotent), whichever instance it reaches.
            (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
            (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
        })));

        await onA.WaitForAsync("ReactionsChanged", e => (string?)e["replyId"] == replyId && (int)e["reactions"]!["like"]! == readers,
            timeoutMs: 30_000);
        await cluster.B.Member().WithDbAsync(async db =>
        {
            var seqs = await db.TopicEvents.Where(e => e.TopicId == topicId).OrderBy(e => e.Seq).Select(e => e.Seq).ToListAsync();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
            Assert.Equal(readers, await db.Reactions.CountAsync(x => x.TargetId == replyId && x.Kind == "like"));
            Assert.Equal(readers, (await db.ReactionCounts.SingleAsync(c => c.TargetId == replyId && c.Kind == "like")).Count);
        });
    }
}
