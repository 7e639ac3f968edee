using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>A host with the production-like small limits that the other tests raise.</summary>
public sealed class StrictApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:RepliesPerWindow", "3"),
        new("Limits:ReplyWindow", "00:05:00"),
        new("Limits:ReactionsPerWindow", "4"),
        new("Limits:ReactionWindow", "00:05:00"),
        new("Limits:ChangesPerWindow", "3"),
        new("Limits:ChangeWindow", "00:05:00"),
        new("Limits:MaxWatchedTopics", "2"),
        new("Limits:DuplicateReplyWindow", "00:05:00"),
        new("Moderation:BlockedWords:0", "scamcoin"),
        new("Moderation:BlockedWords:1", "Free Money"),
    ];
}

public sealed class SafetyTests(StrictApp app) : IClassFixture<StrictApp>
{
    [Fact]
    public async Task ReplyLimitIsSharedByRestAndTheHubAndSaysWhenToRetry()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        using var http = member.Http();
        for (var i = 0; i < 2; i++)
        {
            (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"rest {i}" })).EnsureSuccessStatusCode();
        }
        await using var hub = await member.ConnectAsync();
        await hub.Connection.InvokeAsync<object>("PostReply", topicId, "hub 1", null);

        var limited = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "rest 3" });
        var problem = await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Matches(@"^rate limited, retry in \d+ s$", (string?)problem["detail"]);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        var hubLimited = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<object>("PostReply", topicId, "hub 2", null));
        Assert.Matches(@"rate limited, retry in \d+ s", hubLimited.Message);
        Assert.Equal(HubConnectionState.Connected, hub.Connection.State);

        // Others are not affected, and nothing limited was stored.
        await app.Member().PostReplyAsync(topicId, "someone else");
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["rest 0", "rest 1", "hub 1", "someone else"], page["items"]!.AsArray().Select(r => (string)r!["body"]!));
    }

    [Fact]
    public async Task ReactionLimitAppliesPerUser()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Member().Http();
        for (var i = 0; i < 4; i++)
        {
            (await http.PutAsync($"/api/topics/{topicId}/reactions/{(i % 2 == 0 ? "like" : "insightful")}", null)).EnsureSuccessStatusCode();
        }
        var limited = await http.PutAsync($"/api/topics/{topicId}/reactions/disagree", null);
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task EditsAndRemovalsShareOneLimitPerMemberButModeratorsAreNotSlowed()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        var replies = new List<string>();
        foreach (var i in new[] { 1, 2 })
        {
            replies.Add((string)(await member.PostReplyAsync(topicId, $"mine {i}"))["id"]!);
        }
        using var http = member.Http();
        (await http.PatchAsJsonAsync($"/api/replies/{replies[0]}", new { body = "edit 1" })).EnsureSuccessStatusCode();
        (await http.PatchAsJsonAsync($"/api/replies/{replies[0]}", new { body = "edit 2" })).EnsureSuccessStatusCode();
        (await http.DeleteAsync($"/api/replies/{replies[0]}")).EnsureSuccessStatusCode();

        var edit = await http.PatchAsJsonAsync($"/api/replies/{replies[1]}", new { body = "edit 3" });
        Assert.Matches(@"^rate limited, retry in \d+ s$", (string?)(await edit.ProblemAsync(HttpStatusCode.TooManyRequests))["detail"]);
        Assert.True(edit.Headers.Contains("Retry-After"));
        var removal = await http.DeleteAsync($"/api/replies/{replies[1]}");
        await removal.ProblemAsync(HttpStatusCode.TooManyRequests);

        // Nothing refused changed anything; a moderator clearing a spam wave is not limited.
        var others = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            others.Add((string)(await app.Member($"spam{i}").PostReplyAsync(topicId, $"spam {i}"))["id"]!);
        }
        using var moderator = app.Moderator().Http();
        foreach (var id in others)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{id}?reason=spam")).StatusCode);
        }
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["mine 2"], page["items"]!.AsArray().Select(r => (string)r!["body"]!));
    }

    [Fact]
    public async Task OversizedBodiesAreRefusedWith413()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Member().Http();
        var huge = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = new string('x', 200_000) });
        await huge.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnOversizedHubMessageEndsOnlyThatConnection()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var bystander = await app.Anonymous().ConnectAsync();
        await bystander.WatchAsync(topicId);
        await using var abuser = await app.Member().ConnectAsync();
        var closed = new TaskCompletionSource();
        abuser.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        await Assert.ThrowsAnyAsync<Exception>(() => abuser.Connection.InvokeAsync<object>("PostReply", topicId, new string('x', 100_000), null));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
        await app.Member().PostReplyAsync(topicId, "life goes on");
        await bystander.WaitForAsync("ReplyPosted");
    }

    [Fact]
    public async Task AConnectionWatchesABoundedNumberOfTopics()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((string)(await app.Moderator().CreateTopicAsync())["id"]!);
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(ids[0]);
        await watcher.WatchAsync(ids[1]);
        await watcher.WatchAsync(ids[1]); // watching again is not a new topic
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(ids[2]));
        Assert.Contains("at most 2 topics", refused.Message);
        await watcher.Connection.InvokeAsync("Unwatch", ids[0]);
        await watcher.WatchAsync(ids[2]);
    }

    [Fact]
    public async Task TheSameReplyTwiceInARowIsRefused()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        await member.PostReplyAsync(topicId, "First!");
        using var http = member.Http();
        var again = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "First!" });
        var problem = await again.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("same reply", (string?)problem["detail"]);
        await app.Member().PostReplyAsync(topicId, "First!"); // someone else may say the same
    }

    [Fact]
    public async Task CopiesSentAtOnceAreTakenOnce()
    {
        // A double click or a retrying client: the copies reach the topic's queue together and mostly run in one
        // batch, whose duplicate check is one query for all of them; the batch must still see its own first copy.
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Member().Http();
        var answers = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(_ => http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Double click" })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var listed = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/topics/{topicId}/replies");
        Assert.Single(listed!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("get rich with SCAMCOIN today", "SCAMCOIN")]
    [InlineData("free money for everyone", "free money")]
    public async Task BlockedWordsAreRefusedNamingTheRule(string body, string word)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Member().Http();
        var refused = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body });
        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"\"{word}\"", (string?)problem["errors"]!["body"]![0]);
        Assert.Contains("blocked words", (string?)problem["errors"]!["body"]![0]);
        await app.Member().PostReplyAsync(topicId, "scamcoins-adjacent words like scamcoinage pass"); // whole words only
    }
}

public sealed class ReadLimitApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Limits:ReadsPerWindow", "5"), new("Limits:ReadWindow", "00:05:00"), new("Limits:ConnectionsPerWindow", "2"), new("Limits:ConnectionWindow", "00:05:00")];
}

public sealed class ReadLimitTests(ReadLimitApp app) : IClassFixture<ReadLimitApp>
{
    [Fact]
    public async Task AnonymousReadsAndNewHubConnectionsAreLimitedPerAddress()
    {
        using var http = app.Anonymous().Http();
        for (var i = 0; i < 5; i++)
        {
            (await http.GetAsync("/api/topics")).EnsureSuccessStatusCode();
        }
        var limited = await http.GetAsync("/api/topics");
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));

        await using var first = await app.Anonymous().ConnectAsync(Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling);
        await using var second = await app.Anonymous().ConnectAsync();
        var third = await Assert.ThrowsAnyAsync<Exception>(() => app.Anonymous().ConnectAsync());
        Assert.Contains("429", third.ToString());
        // An established long-polling connection keeps working: its polls do not count as new connections.
        await Assert.ThrowsAsync<HubException>(() => first.WatchAsync("t_missing"));
        Assert.Equal(HubConnectionState.Connected, first.Connection.State);
    }
}

public sealed class ForwardedReadLimitTests(ReadLimitApp app) : IClassFixture<ReadLimitApp>
{
    [Fact]
    public async Task BehindALoopbackProxyEachClientAddressHasItsOwnBudget()
    {
        async Task<int> ReadAsync(string client) => (await app.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Loopback; // nginx on the same machine
            context.Request.Method = "GET";
            context.Request.Path = "/api/topics";
            context.Request.Headers["X-Forwarded-For"] = client;
        })).Response.StatusCode;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, await ReadAsync("203.0.113.7"));
        }
        Assert.Equal(429, await ReadAsync("203.0.113.7"));
        Assert.Equal(200, await ReadAsync("198.51.100.23")); // another reader behind the same proxy
    }
}
