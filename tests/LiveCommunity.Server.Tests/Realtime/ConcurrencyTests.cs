using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Realtime;

public sealed class ConcurrencyTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ParallelRepliesGetGapFreeSeqsAndEveryWatcherEndsWithTheSameThread()
    {
        const int writers = 10, perWriter = 20;
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var watchers = new List<Watcher>();
        for (var i = 0; i < 3; i++)
        {
            var watcher = await app.Anonymous().ConnectAsync(i == 0 ? HttpTransportType.LongPolling : HttpTransportType.WebSockets);
            await watcher.WatchAsync(topicId);
            watchers.Add(watcher);
        }

        var posted = await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var writer = app.Member($"writer{w}");
            using var http = writer.Http();
            var ids = new List<string>();
            for (var i = 0; i < perWriter; i++)
            {
                var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"w{w} r{i}" });
                ids.Add((string)(await response.ReadAsync(HttpStatusCode.Created))["id"]!);
            }
            return ids;
        }));
        const int total = writers * perWriter;

        // The database: seqs 1..N, each once, one per posted reply.
        List<(long Seq, string Id)> stored = [];
        await app.Anonymous().WithDbAsync(async db => stored = (await db.Replies.Where(r => r.TopicId == topicId)
            .OrderBy(r => r.Seq).Select(r => new { Seq = r.Seq!.Value, r.Id }).ToListAsync()).ConvertAll(r => (r.Seq, r.Id)));
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), stored.Select(r => r.Seq));
        Assert.Equal(posted.SelectMany(ids => ids).Order(), stored.Select(r => r.Id).Order());
        var events = 0;
        await app.Anonymous().WithDbAsync(async db => events = await db.TopicEvents.CountAsync(e => e.TopicId == topicId));
        Assert.Equal(total, events);

        // Every watcher, applying live events by seq and resuming any gap, ends with the database's order.
        foreach (var watcher in watchers)
        {
            var mirror = new ThreadMirror();
            await watcher.WaitUntilAsync(w => w.LiveBySeq(topicId).Count >= total, what: "every live event");
            foreach (var (_, (type, payload)) in watcher.LiveBySeq(topicId))
            {
                mirror.Add(type, payload);
            }
            if (!mirror.Apply(total))
            {
                mirror.AddMissed((await watcher.WatchAsync(topicId, mirror.LastApplied))["missed"]!.AsArray());
                Assert.True(mirror.Apply(total));
            }
            Assert.Equal(stored.Select(r => r.Id), mirror.ReplyIds);
            await watcher.DisposeAsync();
        }
    }

    [Fact]
    public async Task AReactionStormCountsExactlyAndIsCoalesced()
    {
        const int reactors = 1000;
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await app.Member().PostReplyAsync(topicId, "react to me"))["id"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        var users = Enumerable.Range(0, reactors).Select(i => app.Member($"fan{i}")).ToList();
        using var gate = new SemaphoreSlim(50);
        await Task.WhenAll(users.Select(async user =>
        {
            await gate.WaitAsync();
            try
            {
                using var http = user.Http();
                (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
            }
            finally
            {
                gate.Release();
            }
        }));

        var last = await watcher.WaitForAsync("ReactionsChanged", e => (int)e["reactions"]!["like"]! == reactors, timeoutMs: 20_000);
        Assert.Equal(replyId, (string?)last["replyId"]);
        var broadcasts = watcher.Of("ReactionsChanged").Count;
        Assert.True(broadcasts < reactors / 10, $"{broadcasts} ReactionsChanged events for {reactors} reactions");

        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(reactors, (int)page["items"]![0]!["reactions"]!["like"]!);
        var seqs = watcher.LiveBySeq(topicId).Keys.ToList();
        Assert.Equal(Enumerable.Range(2, seqs.Count).Select(i => (long)i), seqs); // coalesced events are logged with gap-free seqs too
    }
}
