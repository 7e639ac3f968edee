using System.Collections.Concurrent;
using LiveCommunity.Baseline;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

// The yardstick for docs/benchmarks.md: the same REST routes and hub method names the load generator uses,
// but a bare SignalR broadcast behind them: no database, no seq, no auth, no rate limits, no coalescing.
// What LiveCommunity costs on top of plain SignalR is the ratio between the two.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR();
builder.Services.AddSingleton<Store>();
builder.Services.AddSingleton<StoredRows>();
var app = builder.Build();

app.MapGet("/health/live", () => "ok");
app.MapPost("/api/dev/token", (TokenRequest request) =>
    new { token = "u-" + request.Name, userId = "u-" + request.Name });
app.MapPost("/api/topics", (NewTopic input, Store store) =>
{
    var id = "t" + store.NewId();
    store.Reactions[id] = new ConcurrentDictionary<string, byte>();
    return Results.Created($"/api/topics/{id}", new { id, title = input.Title, lastSeq = 0 });
});
app.MapPost("/api/topics/{topicId}/replies", async (string topicId, NewReply input, HttpContext http, Store store, IHubContext<BaselineHub> hub) =>
{
    var user = User(http);
    var reply = new Reply("r" + store.NewId(), topicId, null, new Author(user, user), input.Body ?? "",
        DateTime.UtcNow, null, new Dictionary<string, int> { ["like"] = 0, ["insightful"] = 0, ["disagree"] = 0 });
    store.ReplyTopics[reply.Id] = topicId;
    store.Reactions[reply.Id] = new ConcurrentDictionary<string, byte>();
    await hub.Clients.Group(topicId).SendAsync("ReplyPosted", new { topicId, seq = 0, reply });
    return Results.Created($"/api/replies/{reply.Id}", reply);
});
// The live blog's updates: broadcast as they come, no Markdown rendering, no seq.
app.MapPost("/api/topics/{topicId}/updates", async (string topicId, NewUpdate input, HttpContext http, Store store, IHubContext<BaselineHub> hub) =>
{
    var user = User(http);
    var update = new Update("u" + store.NewId(), topicId, 0, new Author(user, user), input.Body ?? "", "<p>" + System.Net.WebUtility.HtmlEncode(input.Body ?? "") + "</p>", input.KeyEvent ?? false,
        input.Pinned ?? false, null, DateTime.UtcNow, null);
    // To the topic's watchers and its updates-only watchers, each connection once (as LiveCommunity's two groups).
    await hub.Clients.Groups(topicId, "updates:" + topicId).SendAsync("UpdatePosted", new { topicId, seq = 0, update });
    return Results.Created($"/api/updates/{update.Id}", update);
});
app.MapDelete("/api/replies/{replyId}", async (string replyId, Store store, IHubContext<BaselineHub> hub) =>
{
    if (!store.ReplyTopics.TryRemove(replyId, out var topicId))
    {
        return Results.NotFound();
    }
    store.Reactions.TryRemove(replyId, out _);
    await hub.Clients.Group(topicId).SendAsync("ReplyRemoved", new { topicId, seq = 0, replyId });
    return Results.NoContent();
});
app.MapPut("/api/replies/{replyId}/reactions/{kind}", (string replyId, string kind, HttpContext http, Store store, IHubContext<BaselineHub> hub) =>
    React(replyId, kind, User(http), on: true, store, hub));
app.MapDelete("/api/replies/{replyId}/reactions/{kind}", (string replyId, string kind, HttpContext http, Store store, IHubContext<BaselineHub> hub) =>
    React(replyId, kind, User(http), on: false, store, hub));
// The write-path yardstick (hot-topic benchmark): the same writes, each stored in its own transaction, then broadcast.
app.MapPost("/stored/topics/{topicId}/replies", async (string topicId, NewReply input, HttpContext http, Store store, StoredRows rows, IHubContext<BaselineHub> hub) =>
    Results.Created("/stored/replies", await StoreReplyAsync(topicId, input.Body ?? "", User(http), store, rows, hub)));
app.MapPut("/stored/replies/{replyId}/reactions/{kind}", async (string replyId, string kind, HttpContext http, StoredRows rows, Store store, IHubContext<BaselineHub> hub) =>
    await StoreReactionAsync(replyId, kind, User(http), true, rows, store, hub));
app.MapDelete("/stored/replies/{replyId}/reactions/{kind}", async (string replyId, string kind, HttpContext http, StoredRows rows, Store store, IHubContext<BaselineHub> hub) =>
    await StoreReactionAsync(replyId, kind, User(http), false, rows, store, hub));
app.MapHub<BaselineHub>("/hubs/discussion");
app.Run();

static async Task<Reply> StoreReplyAsync(string topicId, string body, string user, Store store, StoredRows rows, IHubContext<BaselineHub> hub)
{
    var reply = new Reply("r" + store.NewId(), topicId, null, new Author(user, user), body,
        DateTime.UtcNow, null, new Dictionary<string, int> { ["like"] = 0, ["insightful"] = 0, ["disagree"] = 0 });
    await rows.InsertReplyAsync(reply);
    store.ReplyTopics[reply.Id] = topicId;
    await hub.Clients.Group(topicId).SendAsync("ReplyPosted", new { topicId, seq = 0, reply });
    return reply;
}

static async Task<IResult> StoreReactionAsync(string replyId, string kind, string user, bool on, StoredRows rows, Store store, IHubContext<BaselineHub> hub)
{
    var count = await rows.ReactAsync(replyId, user, kind, on);
    var reactions = new Dictionary<string, int> { [kind] = count };
    if (store.ReplyTopics.TryGetValue(replyId, out var topicId))
    {
        await hub.Clients.Group(topicId).SendAsync("ReactionsChanged", new { topicId, seq = 0, replyId, reactions });
    }
    return Results.Ok(new { reactions });
}

static string User(HttpContext http) => http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);

// Every change is broadcast at once (no coalescing): what a naive hub does.
static async Task<IResult> React(string replyId, string kind, string user, bool on, Store store, IHubContext<BaselineHub> hub)
{
    if (!store.ReplyTopics.TryGetValue(replyId, out var topicId) || !store.Reactions.TryGetValue(replyId, out var set))
    {
        return Results.NotFound();
    }
    var key = kind + "/" + user;
    var changed = on ? set.TryAdd(key, 0) : set.TryRemove(key, out _);
    var reactions = new Dictionary<string, int> { [kind] = set.Keys.Count(k => k.StartsWith(kind + "/", StringComparison.Ordinal)) };
    if (changed)
    {
        await hub.Clients.Group(topicId).SendAsync("ReactionsChanged", new { topicId, seq = 0, replyId, reactions });
    }
    return Results.Ok(new { reactions });
}

namespace LiveCommunity.Baseline
{
    public sealed record TokenRequest(string Name, string? Role);
    public sealed record NewTopic(string? Title, string? Body);
    public sealed record NewReply(string? Body, string? ParentId);
    public sealed record Author(string Id, string Name);
    public sealed record NewUpdate(string? Body, bool? KeyEvent, bool? Pinned);
    public sealed record Update(string Id, string TopicId, long Seq, Author Author, string Body, string Html, bool KeyEvent, bool Pinned,
        object? Quote, DateTime CreatedAt, DateTime? EditedAt);
    public sealed record Reply(string Id, string TopicId, string? ParentId, Author Author, string Body, DateTime CreatedAt,
        DateTime? EditedAt, IReadOnlyDictionary<string, int> Reactions);
    public sealed record WatchResult(string TopicId, long LastSeq, int Watchers, bool Reset, IReadOnlyList<object> Missed);

    public sealed class Store
    {
        private long _nextId;
        public long NewId() => Interlocked.Increment(ref _nextId);
        public ConcurrentDictionary<string, string> ReplyTopics { get; } = new();
        public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> Reactions { get; } = new();
    }

    /// <summary>Watch joins the group and replays nothing: there is no log to replay from.</summary>
    public sealed class BaselineHub : Hub
    {
        public async Task<WatchResult> Watch(string topicId, long? afterSeq)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, topicId);
            return new WatchResult(topicId, 0, 0, false, []);
        }

        public Task Unwatch(string topicId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, topicId);

        /// <summary>LiveCommunity's updates-only watch: the live blog's updates without the discussion.</summary>
        public async Task<WatchResult> WatchUpdates(string topicId, long? afterSeq)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, "updates:" + topicId);
            return new WatchResult(topicId, 0, 0, false, []);
        }

        // The write-path yardstick over the hub: the same stored writes as the /stored routes.
        public async Task<Reply> PostReply(string topicId, string body, string? parentId, [FromServices] Store store, [FromServices] StoredRows rows)
        {
            var user = Context.GetHttpContext()?.Request.Query["access_token"].ToString() ?? Context.ConnectionId;
            var reply = new Reply("r" + store.NewId(), topicId, parentId, new Author(user, user), body,
                DateTime.UtcNow, null, new Dictionary<string, int> { ["like"] = 0, ["insightful"] = 0, ["disagree"] = 0 });
            await rows.InsertReplyAsync(reply);
            store.ReplyTopics[reply.Id] = topicId;
            await Clients.Group(topicId).SendAsync("ReplyPosted", new { topicId, seq = 0, reply });
            return reply;
        }

        public async Task<object> SetReaction(string topicId, string? replyId, string kind, bool on, [FromServices] StoredRows rows)
        {
            var user = Context.GetHttpContext()?.Request.Query["access_token"].ToString() ?? Context.ConnectionId;
            var target = replyId ?? topicId;
            var reactions = new Dictionary<string, int> { [kind] = await rows.ReactAsync(target, user, kind, on) };
            await Clients.Group(topicId).SendAsync("ReactionsChanged", new { topicId, seq = 0, replyId, reactions });
            return new { reactions };
        }
    }
}
