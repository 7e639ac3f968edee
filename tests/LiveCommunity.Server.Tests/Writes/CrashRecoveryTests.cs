using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Writes;

/// <summary>
/// The server as a real process, killed with SIGKILL in the middle of its work and started again on the same
/// database: nothing it stored may be without its event, and moderation work it had begun is finished.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lc-tests", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Create(_folder);
        // Paced steps, so the kill below lands while the ban's removals are still under way.
        _server = new ServerProcess(_database, _folder, new Dictionary<string, string>
        {
            ["Moderation__JobLease"] = "00:00:02",
            ["Moderation__JobStepPause"] = "00:00:00.200",
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _database.Drop();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task AServerKilledInAReactionStormLeavesEveryStoredCountWithItsEvent()
    {
        var moderator = Users.Make("moderator", "moderator");
        using var http = _server.Http(moderator);
        var topicId = await CreateTopicAsync(http);
        var replies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add(await PostReplyAsync(http, topicId, $"react to me {i}"));
        }

        using var storm = new CancellationTokenSource();
        var fans = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            using var fan = _server.Http(Users.Make($"fan{i}", "member"));
            for (var k = 0; !storm.IsCancellationRequested; k++)
            {
                var path = k % 4 == 3 ? $"/api/topics/{topicId}/reactions/insightful" : $"/api/replies/{replies[(i + k) % replies.Count]}/reactions/like";
                try
                {
                    await (k % 3 == 2 ? fan.DeleteAsync(path, storm.Token) : fan.PutAsync(path, null, storm.Token));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
                {
                    // The server is gone. A connect that races the kill can surface as a bare SocketException
                    // ("Transport endpoint is not connected", read off the half-open socket), not wrapped.
                    return;
                }
            }
        })).ToList();
        // Killed mid-storm, with some targets' events owed (their coalescing window running).
        await WaitUntilAsync(async db => await db.TopicEvents.CountAsync(e => e.TopicId == topicId && e.Type == "ReactionsChanged") >= 10
            && await db.PendingReactionEvents.AnyAsync(p => p.TopicId == topicId));
        _server.Kill();
        await storm.CancelAsync();
        await Task.WhenAll(fans);

        // What the killed server left behind: every stored count is the last word of its target's log, or its
        // event is recorded as owed (the target's coalescing window had not ended).
        await using (var db = _database.Open())
        {
            await LogConsistency.AssertAsync(db, topicId);
        }

        // Started again, it sends what was owed at once, serves those counts, and a replay from the start ends on
        // the same numbers.
        await _server.StartAsync();
        await WaitUntilAsync(async db => !await db.PendingReactionEvents.AnyAsync(p => p.TopicId == topicId));
        await using (var db = _database.Open())
        {
            await LogConsistency.AssertAsync(db, topicId, nothingOwed: true);
        }
        var page = await (await _server.Http().GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        var connection = new HubConnectionBuilder().WithUrl($"{_server.Url}/hubs/discussion").Build();
        await connection.StartAsync();
        var watched = JsonNode.Parse((await connection.InvokeAsync<System.Text.Json.JsonElement>("Watch", topicId, 0L)).GetRawText())!;
        await connection.DisposeAsync();
        Assert.False((bool)watched["reset"]!);
        foreach (var reply in page["items"]!.AsArray().Where(r => replies.Contains((string)r!["id"]!)))
        {
            var last = watched["missed"]!.AsArray().LastOrDefault(e => (string?)e!["type"] == "ReactionsChanged" && (string?)e["replyId"] == (string?)reply!["id"]);
            Assert.Equal((int?)last?["reactions"]?["like"] ?? 0, (int)reply!["reactions"]!["like"]!);
        }
    }

    [Fact]
    public async Task ABanWhoseReplyRemovalIsCutShortByACrashIsFinishedAfterTheRestart()
    {
        var (topics, author, replies) = await PostManyAsync(topics: 40, perTopic: 5);
        var admin = Users.Make("admin", "admin");
        using var http = _server.Http(admin);

        var ban = http.PutAsJsonAsync($"/api/users/{author.Id}/ban", new { reason = "spam wave", removeReplies = true });
        await WaitUntilAsync(db => db.Replies.AnyAsync(r => r.AuthorId == author.Id && r.State == ReplyState.Removed));
        _server.Kill();
        await Assert.ThrowsAnyAsync<Exception>(() => ban); // the request died with the server
        await using (var db = _database.Open())
        {
            Assert.True(await db.Users.AnyAsync(u => u.Id == author.Id && u.Banned));
            var job = await db.ModerationJobs.SingleAsync(j => j.UserId == author.Id);
            Assert.Null(job.CompletedAt); // cut short: some replies removed, not all
            Assert.True(await db.Replies.AnyAsync(r => r.AuthorId == author.Id && r.State != ReplyState.Removed));
        }

        await _server.StartAsync();
        await AssertFinishedAsync(author.Id, topics, replies);
    }

    [Fact]
    public async Task AnUnfinishedBanFoundInTheDatabaseAtStartIsFinished()
    {
        var (topics, author, replies) = await PostManyAsync(topics: 3, perTopic: 4);
        _server.Kill();
        // As if the server had died right after the ban committed, before it removed anything.
        await using (var db = _database.Open())
        {
            await db.Users.Where(u => u.Id == author.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.Banned, true));
            db.ModerationJobs.Add(ModerationJobs.NewJob(ModerationJobs.RemoveReplies, author.Id,
                new LiveCommunity.Server.Auth.Caller("mod-1", "Mod", "moderator"), "spam", DateTime.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(2)));
            await db.SaveChangesAsync();
        }

        await _server.StartAsync();
        await AssertFinishedAsync(author.Id, topics, replies);
    }

    private async Task AssertFinishedAsync(string authorId, List<string> topics, List<string> replies)
    {
        await WaitUntilAsync(async db => await db.ModerationJobs.AnyAsync(j => j.UserId == authorId && j.CompletedAt != null), seconds: 60);
        await using var db = _database.Open();
        Assert.False(await db.Replies.AnyAsync(r => r.AuthorId == authorId && r.State != ReplyState.Removed));
        foreach (var topicId in topics)
        {
            await LogConsistency.AssertAsync(db, topicId);
        }
        // Each reply removed exactly once: one ReplyRemoved of its own (plus its scrubbed ReplyPosted), one log line.
        foreach (var replyId in replies)
        {
            var events = await db.TopicEvents.Where(e => e.ReplyId == replyId).ToListAsync();
            Assert.Equal(2, events.Count);
            Assert.All(events, e => Assert.Equal("ReplyRemoved", e.Type));
            Assert.Equal(1, await db.ModerationLog.CountAsync(m => m.TargetId == replyId && m.Action == "remove"));
        }
    }

    private async Task<(List<string> Topics, UserIdentity Author, List<string> Replies)> PostManyAsync(int topics, int perTopic)
    {
        using var moderator = _server.Http(Users.Make("moderator", "moderator"));
        var author = Users.Make("spammer", "member");
        using var http = _server.Http(author);
        var topicIds = new List<string>();
        var replies = new List<string>();
        for (var t = 0; t < topics; t++)
        {
            topicIds.Add(await CreateTopicAsync(moderator));
        }
        await Parallel.ForEachAsync(topicIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (topicId, _) =>
        {
            for (var i = 0; i < perTopic; i++)
            {
                var id = await PostReplyAsync(http, topicId, $"buy now {i}");
                lock (replies)
                {
                    replies.Add(id);
                }
            }
        });
        return (topicIds, author, replies);
    }

    private static async Task<string> CreateTopicAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/topics", new { title = "A topic", body = "Something happened." });
        return (string)(await response.ReadAsync(HttpStatusCode.Created))["id"]!;
    }

    private static async Task<string> PostReplyAsync(HttpClient http, string topicId, string body)
    {
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body });
        return (string)(await response.ReadAsync(HttpStatusCode.Created))["id"]!;
    }

    private async Task WaitUntilAsync(Func<CommunityDb, Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await using (var db = _database.Open())
            {
                if (await condition(db))
                {
                    return;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the condition did not hold within {seconds} s; server log:\n{_server.ReadLog()}");
            }
            await Task.Delay(5);
        }
    }
}
