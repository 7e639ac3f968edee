using System.Net.Http.Json;
using System.Net;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Writes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Writes;

/// <summary>A host whose writes give up quickly, so "busy" can be shown without waiting long.</summary>
public sealed class QuickBusyApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Writes:MaxWait", "00:00:00.300"),
        new("Writes:RetryAfter", "00:00:03"),
    ];
}

/// <summary>The write pipeline itself, driven with commands of the tests' own next to the real ones.</summary>
public sealed class WritePipelineTests(AppFactory app) : IClassFixture<AppFactory>
{
    private TopicWriter Writer => app.Services.GetRequiredService<TopicWriter>();

    private Server.Notifications.Notifier Notifier => app.Services.GetRequiredService<Server.Notifications.Notifier>();

    [Fact]
    public async Task ConcurrentCommandsOfOneTopicRunInOneTransaction()
    {
        var topicId = await NewTopicAsync();
        await using var blocked = await BlockAsync(topicId);

        // Transaction ids, not contexts: contexts are pooled, so batches one after another can share one.
        var seen = new List<Guid>();
        var probes = Enumerable.Range(0, 40).Select(_ => Writer.WriteAsync(new Probe(topicId, w =>
        {
            lock (seen)
            {
                seen.Add(w.Db.Database.CurrentTransaction!.TransactionId);
            }
        }))).ToList();
        await WaitUntilQueuedAsync(40);
        blocked.Release();
        await Task.WhenAll(probes);

        Assert.Equal(40, seen.Count);
        Assert.Single(seen.Distinct()); // one transaction, one commit for all forty
    }

    [Fact]
    public async Task ARefusedOrFailingCommandLeavesNothingAndItsNeighboursCommit()
    {
        var topicId = await NewTopicAsync();
        var author = new Caller("pipeline-author", "Author", Roles.Member);
        var counts = app.Services.GetRequiredService<ReactionCounts>();
        await using var blocked = await BlockAsync(topicId);

        var good = new List<Task<Outcome<Reply>>>();
        var refused = new List<Task<Outcome<Reply>>>();
        var failing = new List<Task<Outcome<Reply>>>();
        for (var i = 0; i < 12; i++)
        {
            good.Add(Writer.WriteAsync(new PostReplyCommand(author, topicId, $"good {i}", null, counts, TimeSpan.Zero, Notifier)));
            // Each bad one writes a reply row and takes a seq with its event before it refuses or throws.
            refused.Add(Writer.WriteAsync(new HalfWrite(topicId, counts, $"refused {i}", fail: false)));
            failing.Add(Writer.WriteAsync(new HalfWrite(topicId, counts, $"failing {i}", fail: true)));
        }
        await WaitUntilQueuedAsync(36);
        blocked.Release();

        var posted = await Task.WhenAll(good);
        Assert.All(posted, p => Assert.Null(p.Rejection));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long?)i), posted.Select(p => p.Value!.Seq).Order());
        Assert.All(await Task.WhenAll(refused), r => Assert.Equal(409, r.Rejection!.Status));
        foreach (var task in failing)
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
            Assert.Equal("a defect in one command", ex.Message);
        }

        await app.Anonymous().WithDbAsync(async db =>
        {
            var bodies = await db.Replies.Where(r => r.TopicId == topicId).Select(r => r.Body).ToListAsync();
            Assert.Equal(Enumerable.Range(0, 12).Select(i => $"good {i}").Order(), bodies.Order());
            await LogConsistency.AssertAsync(db, topicId);
        });
    }

    [Fact]
    public async Task OneBatchChecksItsRepliesForDuplicatesTogetherAndSeesItsOwn()
    {
        var topicId = await NewTopicAsync();
        var author = new Caller("duplicate-author", "Author", Roles.Member);
        var counts = app.Services.GetRequiredService<ReactionCounts>();
        var window = TimeSpan.FromMinutes(1);
        PostReplyCommand Post(string body) => new(author, topicId, body, null, counts, window, Notifier);
        Assert.Null((await Writer.WriteAsync(Post("said before"))).Rejection);
        await using var blocked = await BlockAsync(topicId);

        var writes = new List<Task<Outcome<Reply>>>
        {
            Writer.WriteAsync(Post("said before")), // stored by an earlier batch
            Writer.WriteAsync(Post("new words")),
            Writer.WriteAsync(Post("new words")), // the batch's own first copy
            Writer.WriteAsync(new PostThenFail(Post("taken back"))),
            Writer.WriteAsync(Post("taken back")), // its first copy failed and was rolled back: not a duplicate
            Writer.WriteAsync(new PostReplyCommand(new Caller("someone-else", "Else", Roles.Member), topicId, "new words", null, counts, window, Notifier)),
        };
        await WaitUntilQueuedAsync(writes.Count);
        blocked.Release();

        Assert.Equal(409, (await writes[0]).Rejection?.Status);
        Assert.Null((await writes[1]).Rejection);
        Assert.Equal(409, (await writes[2]).Rejection?.Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writes[3]);
        Assert.Null((await writes[4]).Rejection);
        Assert.Null((await writes[5]).Rejection);
        await app.Anonymous().WithDbAsync(async db =>
        {
            var bodies = await db.Replies.Where(r => r.TopicId == topicId).Select(r => r.Body).ToListAsync();
            Assert.Equal(["new words", "new words", "said before", "taken back"], bodies.Order());
        });
    }

    [Fact]
    public async Task MixedConcurrentCommandsKeepTheLogAndTheRowsInStep()
    {
        var topicId = await NewTopicAsync();
        var watchers = new List<Watcher>();
        for (var i = 0; i < 2; i++)
        {
            var watcher = await app.Anonymous().ConnectAsync();
            await watcher.WatchAsync(topicId);
            watchers.Add(watcher);
        }
        var moderator = app.Moderator();
        var seed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            seed.Add((string)(await app.Member($"seed{i}").PostReplyAsync(topicId, $"seed {i}"))["id"]!);
        }

        var authors = Enumerable.Range(0, 6).Select(i => app.Member($"author{i}")).ToList();
        var writing = authors.Select(async (author, a) =>
        {
            using var http = author.Http();
            await using var hub = await author.ConnectAsync();
            for (var i = 0; i < 12; i++)
            {
                // Every other reply over the hub; the lock below may refuse some (409), which is fine.
                string? id = null;
                if (i % 2 == 0)
                {
                    var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"a{a} r{i}" });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        id = (string)(await response.ReadAsync(HttpStatusCode.Created))["id"]!;
                    }
                }
                else
                {
                    try
                    {
                        id = (await hub.Connection.InvokeAsync<System.Text.Json.JsonElement>("PostReply", topicId, $"a{a} r{i}", null)).GetProperty("id").GetString();
                    }
                    catch (HubException)
                    {
                    }
                }
                if (id is not null && i % 3 == 0)
                {
                    await http.PatchAsJsonAsync($"/api/replies/{id}", new { body = $"a{a} r{i} (edited)" });
                }
                if (id is not null && i % 4 == 0)
                {
                    await http.DeleteAsync($"/api/replies/{id}");
                }
            }
        });
        var reacting = Enumerable.Range(0, 20).Select(async r =>
        {
            using var http = app.Member($"fan{r}").Http();
            for (var i = 0; i < 10; i++)
            {
                var target = seed[(r + i) % seed.Count];
                var path = i % 3 == 2 ? $"/api/topics/{topicId}/reactions/insightful" : $"/api/replies/{target}/reactions/like";
                await (i % 4 == 3 ? http.DeleteAsync(path) : http.PutAsync(path, null));
            }
        });
        var moderating = Task.Run(async () =>
        {
            using var http = moderator.Http();
            for (var i = 0; i < 4; i++)
            {
                await http.PutAsync($"/api/topics/{topicId}/lock", null);
                await http.DeleteAsync($"/api/replies/{seed[i]}?reason=test");
                await http.DeleteAsync($"/api/topics/{topicId}/lock");
                await http.PostAsync($"/api/replies/{seed[i]}/restore", null);
            }
        });
        await Task.WhenAll(writing.Concat(reacting).Append(moderating));

        await app.Anonymous().WithDbAsync(db => LogConsistency.AssertAsync(db, topicId));

        // Every watcher, applying events by seq and filling gaps by replay, ends with what a reload shows.
        using var reader = app.Anonymous().Http();
        var reload = await (await reader.GetAsync($"/api/topics/{topicId}/replies?limit=200")).ReadAsync(HttpStatusCode.OK);
        var lastSeq = (long)reload["lastSeq"]!;
        var expected = reload["items"]!.AsArray().Select(r => (string)r!["id"]!).ToList();
        foreach (var watcher in watchers)
        {
            await watcher.WaitUntilAsync(w => w.LiveBySeq(topicId).Keys.DefaultIfEmpty().Max() >= lastSeq, what: "the last event");
            var mirror = new ThreadMirror();
            foreach (var (_, (type, payload)) in watcher.LiveBySeq(topicId))
            {
                mirror.Add(type, payload);
            }
            if (!mirror.Apply(lastSeq))
            {
                mirror.AddMissed((await watcher.WatchAsync(topicId, mirror.LastApplied))["missed"]!.AsArray());
                Assert.True(mirror.Apply(lastSeq));
            }
            Assert.Equal(expected.Order(), mirror.ReplyIds.Order());
            await watcher.DisposeAsync();
        }
    }

    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    private Task<Blocked> BlockAsync(string topicId) => Blocked.StartAsync(Writer, topicId);

    private async Task WaitUntilQueuedAsync(int commands)
    {
        // The blocker itself counts as one queued (running) write.
        await Eventually.TrueAsync(() => Writer.Queued >= commands + 1, TimeSpan.FromSeconds(30));
    }

    /// <summary>Holds the topic's queue (on SQLite: every write) until released, so commands pile up behind it.</summary>
    internal sealed class Blocked(Blocker blocker, Task running) : IAsyncDisposable
    {
        public static async Task<Blocked> StartAsync(TopicWriter writer, string topicId)
        {
            var blocker = new Blocker(topicId);
            var running = writer.WriteAsync(blocker);
            await blocker.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new Blocked(blocker, running);
        }

        public void Release() => blocker.Release.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            await running;
        }
    }

    internal sealed class Blocker(string topicId) : WriteCommand<bool>
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override string? TopicId => topicId;
        public override Caller? Writer => null;

        public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            Started.TrySetResult();
            await Release.Task;
            return true;
        }
    }

    private sealed class Probe(string topicId, Action<WriteContext> see) : WriteCommand<bool>
    {
        public override string? TopicId => topicId;
        public override Caller? Writer => null;

        public override Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            see(write);
            return Task.FromResult<Outcome<bool>>(true);
        }
    }

    /// <summary>A real post that then fails, as a defect in saving would: the batch must take all of it back.</summary>
    private sealed class PostThenFail(PostReplyCommand post) : WriteCommand<Reply>
    {
        public override string? TopicId => post.TopicId;
        public override Caller? Writer => post.Writer;

        public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            Assert.Null((await post.ExecuteAsync(write, ct)).Rejection);
            throw new InvalidOperationException("failed after posting");
        }
    }

    /// <summary>Writes a reply row and its ReplyPosted (a seq), then refuses or throws.</summary>
    private sealed class HalfWrite(string topicId, ReactionCounts counts, string body, bool fail) : WriteCommand<Reply>
    {
        public override string? TopicId => topicId;
        public override Caller? Writer => null;

        public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            var reply = new ReplyEntity
            {
                Id = Ids.NewReplyId(), TopicId = topicId, AuthorId = "half", AuthorName = "Half", Body = body, CreatedAt = write.Now,
            };
            write.Db.Replies.Add(reply);
            await write.Db.SaveChangesAsync(ct);
            write.Topic!.ReplyCount++;
            write.Append(seq =>
            {
                reply.Seq = seq;
                return new ReplyPostedEvent(topicId, seq, reply.AsReply(counts.Zero()));
            });
            write.Audit(new Caller("half", "Half", Roles.Moderator), "remove", reply.Id);
            return fail ? throw new InvalidOperationException("a defect in one command") : Rejection.Conflict("changed my mind");
        }
    }
}

/// <summary>What a caller hears when storage cannot take a write in time.</summary>
public sealed class BusyWriteTests(QuickBusyApp app) : IClassFixture<QuickBusyApp>
{
    [Fact]
    public async Task AWriteThatCannotStartInTimeIsAnsweredBusyOverRestAndTheHubAndStoresNothing()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        await using var hub = await member.ConnectAsync();
        using var http = member.Http();
        await using (await WritePipelineTests.Blocked.StartAsync(app.Services.GetRequiredService<TopicWriter>(), topicId))
        {
            var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "too late" });
            var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("busy, retry in 3 s", (string?)problem["detail"]);
            Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());

            var refused = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<object>("PostReply", topicId, "too late too", null));
            Assert.Contains("busy, retry in 3 s", refused.Message);
            Assert.Equal(HubConnectionState.Connected, hub.Connection.State);
        }

        await member.PostReplyAsync(topicId, "in time");
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["in time"], page["items"]!.AsArray().Select(r => (string)r!["body"]!));
    }
}
