using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Webhooks;

public sealed record ReceivedWebhook(string Id, long Timestamp, string Signature, string Body, bool SignatureValid, int AnsweredWith)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    public string Type => (string)Json["type"]!;
}

/// <summary>
/// A webhook receiver on a loopback port, the way a newsroom system would write one: it checks the Standard
/// Webhooks signature itself (HMAC-SHA256 over "id.timestamp.body" with the secret's bytes) and answers with
/// what <see cref="Answer"/> says for each request.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The secret to check signatures with (set once the webhook is registered).</summary>
    public string? Secret { get; set; }

    /// <summary>The status to answer a request with, given how many requests with its webhook-id came before.</summary>
    public Func<string, int, int> Answer { get; set; } = (_, _) => 200;

    /// <summary>Awaited before answering a request (a receiver that hangs); the request is already in <see cref="Received"/>.</summary>
    public Func<ReceivedWebhook, Task>? Hold { get; set; }

    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url) => (_app, Url) = (app, url);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = context.Request.Headers["webhook-id"].ToString();
            var timestamp = long.Parse(context.Request.Headers["webhook-timestamp"].ToString(), CultureInfo.InvariantCulture);
            var signature = context.Request.Headers["webhook-signature"].ToString();
            var r = receiver!;
            var before = r.Received.Count(w => w.Id == id);
            var status = r.Answer(id, before);
            var received = new ReceivedWebhook(id, timestamp, signature, body, Verify(r.Secret, id, timestamp, body, signature), status);
            r.Received.Enqueue(received);
            if (r.Hold is { } hold)
            {
                await hold(received);
            }
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver = new WebhookReceiver(app, app.Urls.First() + "/hook");
        return receiver;
    }

    public static bool Verify(string? secret, string id, long timestamp, string body, string signatureHeader)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            return false;
        }
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        // The header may carry several space-separated signatures (key rotation); one match is enough.
        return signatureHeader.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            if (Received.FirstOrDefault(match) is { } hit)
            {
                return hit;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no matching webhook; received: {string.Join(", ", Received.Select(w => w.Type + "/" + w.AnsweredWith))}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
