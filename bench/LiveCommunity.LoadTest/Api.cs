using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest;

// The slice of the wire contract (PROTOCOL.md) the load generator reads. Unknown fields are ignored.
public sealed record ReplyDto(string Id, string TopicId, DateTime CreatedAt);
public sealed record ReplyPostedMsg(string TopicId, long Seq, ReplyDto Reply);
public sealed record ReplyRemovedMsg(string TopicId, long Seq, string ReplyId);
public sealed record TopicSeqMsg(string TopicId, long LastSeq);
public sealed record ReactionsChangedMsg(string TopicId, long Seq, string? ReplyId, Dictionary<string, int> Reactions);
public sealed record WatchResultDto(string TopicId, long LastSeq, int Watchers, bool Reset, List<JsonElement> Missed);
public sealed record TokenDto(string Token, string UserId);
public sealed record TopicDto(string Id);

/// <summary>REST calls of one target (LiveCommunity or the baseline: both serve these routes).</summary>
public sealed class Api(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public async Task<TokenDto> TokenAsync(string name, string role, CancellationToken ct)
    {
        if (LocalTokens.Enabled)
        {
            return LocalTokens.Mint(name, role);
        }
        using var response = await _http.PostAsJsonAsync("/api/dev/token", new { name, role }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenDto>(ct))!;
    }

    public async Task<string> CreateTopicAsync(string token, string title, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics")
        {
            Content = JsonContent.Create(new { title, body = "Load test topic." }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TopicDto>(ct))!.Id;
    }

    /// <summary>The created reply, or null when the server did not answer 201.</summary>
    public async Task<ReplyDto?> PostReplyAsync(string token, string topicId, string body, CancellationToken ct) =>
        (await PostReplyWithStatusAsync(token, topicId, body, ct)).Reply;

    /// <summary>POST a reply: its status, and the reply when it was published (201).</summary>
    public async Task<(int Status, ReplyDto? Reply)> PostReplyWithStatusAsync(string token, string topicId, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topicId}/replies")
        {
            Content = JsonContent.Create(new { body }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return ((int)response.StatusCode, response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<ReplyDto>(ct) : null);
    }

    /// <summary>DELETE /api/replies/{id}?reason=: true when the server answered 204.</summary>
    public async Task<bool> RemoveReplyAsync(string token, string replyId, string reason, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/replies/{replyId}?reason={Uri.EscapeDataString(reason)}");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    public async Task<bool> ReactAsync(string token, string replyId, string kind, bool on, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(on ? HttpMethod.Put : HttpMethod.Delete, $"/api/replies/{replyId}/reactions/{kind}");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Sends one write and answers its HTTP status (the hot-topic scenario counts errors by status).</summary>
    public async Task<int> SendAsync(HttpMethod method, string path, string token, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return (int)response.StatusCode;
    }

    /// <summary>POST a JSON body: its status, and the answer read as <typeparamref name="T"/> when it was 201.</summary>
    public async Task<(int Status, T? Created)> PostAsync<T>(string path, string token, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return ((int)response.StatusCode, response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<T>(ct) : default);
    }

    public async Task<JsonNode?> GetAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), ct);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) : null;
    }

    /// <param name="token">sent as access_token, as browsers do</param>
    /// <param name="configure">more connection options, e.g. a WebSocketFactory that picks the instance</param>
    public static HubConnection Hub(string baseUrl, IRetryPolicy? retry = null, string? token = null, Action<HttpConnectionOptions>? configure = null)
    {
        // Websockets straight away, as the SDK does: no negotiate round trip per connection. The token goes in
        // access_token, as browsers send it.
        var url = baseUrl + "/hubs/discussion" + (token is null ? "" : "?access_token=" + Uri.EscapeDataString(token));
        var builder = new HubConnectionBuilder().WithUrl(url, o =>
        {
            o.SkipNegotiation = true;
            o.Transports = HttpTransportType.WebSockets;
            configure?.Invoke(o);
        });
        if (retry is not null)
        {
            builder.WithAutomaticReconnect(retry);
        }
        var connection = builder.Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Retries fast with jitter for a bounded time, so a reconnect storm ends by itself.</summary>
public sealed class BoundedRetry(TimeSpan giveUpAfter) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
        retryContext.ElapsedTime > giveUpAfter ? null : TimeSpan.FromMilliseconds(200 + Random.Shared.Next(800));
}

/// <summary>
/// The web SDK's default reconnect policy (web/sdk/src/RetryPolicy.ts): the first attempt at a random moment
/// within 2 s of the loss, then after 1, 2, 5, 10 s and every 30 s, each ±25 % jitter; bounded here so a
/// benchmark ends. SignalR's client, like the SDK, waits the first delay before its first reconnect attempt.
/// </summary>
public sealed class SdkRetry(TimeSpan giveUpAfter) : IRetryPolicy
{
    private static readonly int[] DelaysMs = [0, 1_000, 2_000, 5_000, 10_000, 30_000];
    private const int FirstRetrySpreadMs = 2_000;

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        if (retryContext.ElapsedTime > giveUpAfter)
        {
            return null;
        }
        if (retryContext.PreviousRetryCount == 0)
        {
            return TimeSpan.FromMilliseconds(Random.Shared.Next(FirstRetrySpreadMs));
        }
        var baseMs = DelaysMs[Math.Min(retryContext.PreviousRetryCount, DelaysMs.Length - 1)];
        return TimeSpan.FromMilliseconds(Math.Round(baseMs * (1 + 0.25 * (2 * Random.Shared.NextDouble() - 1))));
    }
}
