using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>Moderation decisions on one instance use what the other saw (two hosts, PostgreSQL, Redis).</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ModerationClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ARoleSeenOnOneInstanceDecidesABanOnTheOther()
    {
        var topicId = (string)(await cluster.B.Moderator().CreateTopicAsync())["id"]!;
        var before = Users.Make("rising", "member");
        var after = before with { Role = "admin", Token = Users.Token(new() { ["sub"] = before.Id, ["name"] = before.Name, ["role"] = "admin" }) };
        // B records them as a member (and remembers having checked that).
        await new TestUser(cluster.B, before).PostReplyAsync(topicId, "written as a member on B");

        // Promoted, they only connect to A.
        await using (await new TestUser(cluster.A, after).ConnectAsync())
        {
        }

        using var moderator = cluster.B.Moderator().Http();
        await (await moderator.PutAsJsonAsync($"/api/users/{before.Id}/ban", new { reason = "trying on B" })).ProblemAsync(HttpStatusCode.Forbidden);
    }
}
