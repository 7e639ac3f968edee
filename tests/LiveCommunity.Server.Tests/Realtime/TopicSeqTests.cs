using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>A host that beats often, so a test sees a heartbeat soon.</summary>
public sealed class SeqHeartbeatAppFactory : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Realtime:SeqHeartbeat", "00:00:00.200")];
}

/// <summary>TopicSeq (PROTOCOL.md v3): a watched topic's last seq, as a heartbeat, so a quiet topic converges too.</summary>
public sealed class TopicSeqTests(SeqHeartbeatAppFactory app) : IClassFixture<SeqHeartbeatAppFactory>
{
    [Fact]
    public async Task WatchersOfATopicHearItsLastSeqWithoutAnyNewEvent()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        await author.PostReplyAsync(topicId, "one");
        await author.PostReplyAsync(topicId, "two");
        var otherId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        Assert.Equal(2, (long)(await watcher.WatchAsync(topicId))["lastSeq"]!);

        var beat = await watcher.WaitForAsync("TopicSeq", e => (string?)e["topicId"] == topicId);
        Assert.Equal(2, (long)beat["lastSeq"]!);
        Assert.Equal(["topicId", "lastSeq"], beat.Select(p => p.Key));
        // Only for topics it watches.
        await watcher.WaitUntilAsync(w => w.Of("TopicSeq").Count >= 3, what: "three heartbeats");
        Assert.DoesNotContain(watcher.Of("TopicSeq"), e => (string?)e["topicId"] == otherId);
    }
}
