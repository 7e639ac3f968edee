using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

public sealed class ReactionsApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task TopicReactionsAreIdempotentPerUserAndKind()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var ann = app.Member().Http();
        using var bob = app.Member().Http();

        var first = await (await ann.PutAsync($"/api/topics/{topicId}/reactions/like", null)).ReadAsync(HttpStatusCode.OK);
        var again = await (await ann.PutAsync($"/api/topics/{topicId}/reactions/like", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)first["reactions"]!["like"]!);
        Assert.Equal(1, (int)again["reactions"]!["like"]!);

        var both = await (await bob.PutAsync($"/api/topics/{topicId}/reactions/like", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)both["reactions"]!["like"]!);
        Assert.Equal(0, (int)both["reactions"]!["disagree"]!);

        var removed = await (await ann.DeleteAsync($"/api/topics/{topicId}/reactions/like")).ReadAsync(HttpStatusCode.OK);
        var removedAgain = await (await ann.DeleteAsync($"/api/topics/{topicId}/reactions/like")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)removed["reactions"]!["like"]!);
        Assert.Equal(1, (int)removedAgain["reactions"]!["like"]!);

        var topic = await (await ann.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)topic["reactions"]!["like"]!);
    }

    [Fact]
    public async Task ReplyReactionsCountPerReply()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await app.Member().PostReplyAsync(topicId, "insight");
        using var http = app.Member().Http();
        var result = await (await http.PutAsync($"/api/replies/{reply["id"]}/reactions/insightful", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)result["reactions"]!["insightful"]!);

        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)page["items"]![0]!["reactions"]!["insightful"]!);
        var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)topic["reactions"]!["insightful"]!);
    }

    [Fact]
    public async Task UnknownKindsTargetsAndAnonymousCallersAreRefused()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Member().Http();
        var problem = await (await http.PutAsync($"/api/topics/{topicId}/reactions/love", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["kind"]);
        await (await http.PutAsync("/api/topics/t_none/reactions/like", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await http.PutAsync("/api/replies/r_none/reactions/like", null)).ProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = app.Anonymous().Http();
        await (await anonymous.PutAsync($"/api/topics/{topicId}/reactions/like", null)).ProblemAsync(HttpStatusCode.Unauthorized);

        var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.All(topic["reactions"]!.AsObject(), p => Assert.Equal(0, (int)p.Value!));
    }
}
