using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A hub connection that records every event it receives (as JSON, the way any client sees it) and keeps,
/// per topic, the events by seq the way PROTOCOL.md tells clients to: duplicates dropped, gaps resumed.
/// </summary>
public sealed class Watcher : IAsyncDisposable
{
    public static readonly string[] TopicEvents =
        [
            "ReplyPosted", "ReplyEdited", "ReplyRemoved", "ReplyRestored", "ReplyFeatured", "ReactionsChanged", "TopicUpdated",
            "UpdatePosted", "UpdateEdited", "UpdateRemoved",
        ];

    /// <summary>Events without seq: presence and last seq of a watched topic, and the live topic list.</summary>
    public static readonly string[] HintEvents = ["PresenceChanged", "TopicPosted", "TopicStats", "TopicSeq", "UpdatesSeq"];

    /// <summary>Events for the signed-in reader, on every connection of theirs whatever it watches.</summary>
    public static readonly string[] UserEvents = ["Notified", "NotificationsRead"];

    private readonly List<(string Type, JsonObject Payload)> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public Watcher(HubConnection connection)
    {
        Connection = connection;
        foreach (var type in TopicEvents.Concat(HintEvents).Concat(UserEvents))
        {
            connection.On<JsonElement>(type, payload =>
            {
                lock (_received)
                {
                    _received.Add((type, JsonNode.Parse(payload.GetRawText())!.AsObject()));
                }
                _arrived.Release();
            });
        }
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<(string Type, JsonObject Payload)> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public IReadOnlyList<JsonObject> Of(string type) => [.. Received.Where(e => e.Type == type).Select(e => e.Payload)];

    public async Task<JsonObject> WatchAsync(string topicId, long? afterSeq = null)
    {
        var result = await Connection.InvokeAsync<JsonElement>("Watch", topicId, afterSeq);
        return JsonNode.Parse(result.GetRawText())!.AsObject();
    }

    public async Task<JsonObject> WatchUpdatesAsync(string topicId, long? afterSeq = null)
    {
        var result = await Connection.InvokeAsync<JsonElement>("WatchUpdates", topicId, afterSeq);
        return JsonNode.Parse(result.GetRawText())!.AsObject();
    }

    public async Task<JsonObject> WatchTopicsAsync()
    {
        var result = await Connection.InvokeAsync<JsonElement>("WatchTopics");
        return JsonNode.Parse(result.GetRawText())!.AsObject();
    }

    /// <summary>TopicStats received for one topic, oldest first.</summary>
    public IReadOnlyList<JsonObject> StatsOf(string topicId) => [.. Of("TopicStats").Where(e => (string?)e["topicId"] == topicId)];

    /// <summary>Waits until a received event matches, or fails after the timeout (generous: this is not a speed test).</summary>
    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? match = null, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var hit = Received.FirstOrDefault(e => e.Type == type && (match is null || match(e.Payload)));
            if (hit.Payload is not null)
            {
                return hit.Payload;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no {type} event arrived; received: {string.Join(", ", Received.Select(e => e.Type))}");
            }
            await _arrived.WaitAsync(left);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the received events.</summary>
    public async Task WaitUntilAsync(Func<Watcher, bool> condition, int timeoutMs = 20_000, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition(this))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"timed out waiting for {what ?? "condition"}; received {Received.Count} events");
            }
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
        }
    }

    /// <summary>Logged events of one topic received live, by seq (duplicates dropped).</summary>
    public SortedDictionary<long, (string Type, JsonObject Payload)> LiveBySeq(string topicId)
    {
        var bySeq = new SortedDictionary<long, (string, JsonObject)>();
        foreach (var (type, payload) in Received)
        {
            if (TopicEvents.Contains(type) && (string?)payload["topicId"] == topicId)
            {
                bySeq.TryAdd((long)payload["seq"]!, (type, payload));
            }
        }
        return bySeq;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

/// <summary>A topic's state as a client rebuilds it from events: what PROTOCOL.md promises clients can do.</summary>
public sealed class ThreadMirror
{
    private readonly SortedDictionary<long, (string Type, JsonObject Payload)> _events = [];

    public long LastApplied { get; private set; }
    public List<string> ReplyIds { get; } = [];

    public void Add(string type, JsonObject payload) => _events.TryAdd((long)payload["seq"]!, (type, payload));

    public void AddMissed(JsonArray missed)
    {
        foreach (var item in missed)
        {
            Add((string)item!["type"]!, item.AsObject());
        }
    }

    /// <summary>Applies every contiguous event from the last applied one; returns true if none is missing.</summary>
    public bool Apply(long upToSeq)
    {
        while (_events.TryGetValue(LastApplied + 1, out var next))
        {
            LastApplied++;
            var replyId = next.Type switch
            {
                "ReplyPosted" or "ReplyRestored" => (string?)next.Payload["reply"]!["id"],
                "ReplyRemoved" => (string?)next.Payload["replyId"],
                _ => null,
            };
            if (next.Type is "ReplyPosted" or "ReplyRestored" && !ReplyIds.Contains(replyId!))
            {
                ReplyIds.Add(replyId!);
            }
            else if (next.Type is "ReplyRemoved")
            {
                ReplyIds.Remove(replyId!);
            }
        }
        return LastApplied >= upToSeq;
    }
}
