using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// A watcher that stops reading (here: a long-polling client that stops polling) is dropped, and nobody else
/// notices: the others get every event in order, and the dropped client can resume. The bound on a connected
/// reader that stops reading is in LocalDeliveryTests.
/// </summary>
public sealed class SlowConsumerTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task AWatcherThatStopsReadingIsDroppedAndTheOthersGetEverything()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var healthy = await app.Anonymous().ConnectAsync();
        await healthy.WatchAsync(topicId);

        // A long-polling client that joins the topic and then never polls again: everything sent to it piles up.
        using var raw = app.CreateClient();
        var negotiated = await (await raw.PostAsync("/hubs/discussion/negotiate?negotiateVersion=1", null)).ReadAsync(HttpStatusCode.OK);
        var token = Uri.EscapeDataString((string)negotiated["connectionToken"]!);
        // The first poll starts the connection (and answers at once); it is the last one this client makes.
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync($"/hubs/discussion?id={token}")).StatusCode);
        await SendAsync(raw, token, """{"protocol":"json","version":1}""");
        await SendAsync(raw, token, $$"""{"type":1,"invocationId":"1","target":"Watch","arguments":["{{topicId}}",null]}""");
        await healthy.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 2);

        var author = app.Member();
        const int replies = 60;
        var body = new string('x', 3000); // about 180 KB in all: well past SignalR's 64 KB buffer, within one replay
        for (var i = 0; i < replies; i++)
        {
            await author.PostReplyAsync(topicId, $"{i} {body}");
        }

        // The stalled connection is gone (its watcher count drops), the healthy one got every reply in order.
        await healthy.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 1, timeoutMs: 20_000);
        await healthy.WaitUntilAsync(w => w.Of("ReplyPosted").Count == replies, what: "every reply");
        Assert.Equal(Enumerable.Range(1, replies).Select(i => (long)i), healthy.LiveBySeq(topicId).Keys);

        // Its client would reconnect and resume from the last seq it applied, missing nothing.
        await using var resumed = await app.Anonymous().ConnectAsync();
        var replay = await resumed.WatchAsync(topicId, 0);
        Assert.Equal(replies, replay["missed"]!.AsArray().Count);
    }

    private static async Task SendAsync(HttpClient http, string token, string json)
    {
        using var content = new StringContent(json + RecordSeparator, Encoding.UTF8, "text/plain");
        var response = await http.PostAsync($"/hubs/discussion?id={token}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
