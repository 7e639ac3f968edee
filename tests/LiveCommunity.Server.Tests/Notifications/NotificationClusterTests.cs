using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications;

/// <summary>A reader's notifications reach their connections on every instance (two hosts, PostgreSQL, Redis).</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class NotificationClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task AnAnswerPostedOnOneInstanceAndAReadMarkedThereReachTheReadersConnectionOnTheOther()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var ann = Users.Make("Ann", "member");
        var parentId = (string)(await new TestUser(cluster.A, ann).PostReplyAsync(topicId, "what do you think?"))["id"]!;
        await using var onB = await new TestUser(cluster.B, ann).ConnectAsync();

        var answerId = (string)(await cluster.A.Member("Bob").PostReplyAsync(topicId, "posted on A", parentId))["id"]!;
        var notified = await onB.WaitForAsync("Notified");
        Assert.Equal(answerId, (string?)notified["notification"]!["replyId"]);
        Assert.Equal(1, (int)notified["unread"]!);

        Assert.Equal(0, await new TestUser(cluster.A, ann).MarkReadAsync());
        Assert.Equal(0, (int)(await onB.WaitForAsync("NotificationsRead"))["unread"]!);
    }
}
