using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>One user of a test host: an HttpClient and hub connections carrying that user's token.</summary>
public sealed class TestUser(AppFactory app, UserIdentity? identity)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public UserIdentity? Identity => identity;
    public string Id => identity?.Id ?? throw new InvalidOperationException("anonymous");

    public HttpClient Http()
    {
        var client = app.CreateClient();
        if (identity is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", identity.Token);
        }
        return client;
    }

    /// <summary>
    /// A started hub connection, over long polling or websockets (with the token in access_token); with
    /// <paramref name="reconnect"/>, SignalR's automatic reconnect (which a close without allowReconnect skips).
    /// </summary>
    public async Task<Watcher> ConnectAsync(HttpTransportType transport = HttpTransportType.WebSockets, IRetryPolicy? reconnect = null)
    {
        var server = app.Server;
        var url = new Uri(server.BaseAddress, "hubs/discussion");
        var builder = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = transport;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (identity is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(identity.Token);
                }
                if (transport == HttpTransportType.WebSockets)
                {
                    options.SkipNegotiation = true;
                    options.WebSocketFactory = async (context, ct) =>
                    {
                        // Browsers cannot send headers on websockets: pass the token the way they do.
                        var uri = identity is null
                            ? context.Uri
                            : new Uri(context.Uri + (context.Uri.Query.Length > 0 ? "&" : "?") + "access_token=" + identity.Token);
                        return await server.CreateWebSocketClient().ConnectAsync(uri, ct);
                    };
                }
            });
        if (reconnect is not null)
        {
            builder.WithAutomaticReconnect(reconnect);
        }
        var connection = builder.Build();
        var watcher = new Watcher(connection);
        await connection.StartAsync();
        return watcher;
    }

    public async Task<JsonObject> CreateTopicAsync(string title = "A topic", string body = "What happened today.")
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/api/topics", new { title, body, sourceUrls = new[] { "https://example.org/story" } });
        return await response.ReadAsync(System.Net.HttpStatusCode.Created);
    }

    public async Task<JsonObject> PostReplyAsync(string topicId, string body, string? parentId = null)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body, parentId });
        return await response.ReadAsync(System.Net.HttpStatusCode.Created);
    }

    /// <summary>Runs code against the host's database (to set up states an API cannot make, like an old reply).</summary>
    public async Task WithDbAsync(Func<Storage.CommunityDb, Task> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<Storage.CommunityDb>());
    }
}

public static class HttpAssertions
{
    public static async Task<JsonObject> ReadAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts a problem-details answer with the status and returns it.</summary>
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var problem = await response.ReadAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        return problem;
    }
}
