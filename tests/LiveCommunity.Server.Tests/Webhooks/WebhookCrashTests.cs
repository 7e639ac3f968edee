using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>
/// The server as a real process, killed with SIGKILL while it owes webhooks, and started again on the same
/// database: every owed event reaches the receiver, signed, with the webhook-id of its first attempt.
/// </summary>
public sealed class WebhookCrashTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lc-tests", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private ServerProcess _server = null!;

    public Task InitializeAsync()
    {
        _database = TestDatabase.Create(_folder);
        // Short lease and claims, so the restarted process (a new holder) takes over within seconds.
        _server = new ServerProcess(_database, _folder, new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateNetworks"] = "true",
            ["Webhooks__PollInterval"] = "00:00:00.100",
            ["Webhooks__LeaseDuration"] = "00:00:02",
            ["Webhooks__Timeout"] = "00:00:01",
            ["Webhooks__RetrySchedule__0"] = "00:00:00.500",
            ["Webhooks__MaxAttempts"] = "20",
        });
        return _server.StartAsync();
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
    public async Task EventsOwedWhenTheServerIsKilledArriveAfterTheRestartWithTheSameWebhookId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Every event: 500 first. The reply "hang" is not answered at all until the server is dead (mid-attempt).
        receiver.Answer = (_, before) => before == 0 ? 500 : 200;
        receiver.Hold = w => w.Body.Contains("\"hang\"") && w.AnsweredWith == 500 ? hanging.Task : Task.CompletedTask;
        var admin = Users.Make("admin", "admin");
        using (var http = _server.Http(admin))
        {
            var hook = await (await http.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "reply.posted" } })).ReadAsync(HttpStatusCode.Created);
            receiver.Secret = (string)hook["secret"]!;
            var topicId = (string)(await (await http.PostAsJsonAsync("/api/topics", new { title = "Crash", body = "b" })).ReadAsync(HttpStatusCode.Created))["id"]!;
            await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "failed once" })).ReadAsync(HttpStatusCode.Created);
            await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "hang" })).ReadAsync(HttpStatusCode.Created);
        }
        var failed = await receiver.WaitForAsync(w => w.Body.Contains("failed once") && w.AnsweredWith == 500);
        var cut = await receiver.WaitForAsync(w => w.Body.Contains("\"hang\""));
        _server.Kill(); // one attempt answered 500 and recorded, one in flight and never recorded
        hanging.SetResult();
        var beforeRestart = receiver.Received.Count;

        await _server.StartAsync();
        var delivered = await receiver.WaitForAsync(w => w.Id == failed.Id && w.AnsweredWith == 200, timeoutMs: 30_000);
        var resent = await receiver.WaitForAsync(w => w.Id == cut.Id && w.AnsweredWith == 200, timeoutMs: 30_000);
        Assert.True(receiver.Received.Count > beforeRestart);
        Assert.All([failed, cut, delivered, resent], w => Assert.True(w.SignatureValid));
        Assert.Equal(failed.Body, delivered.Body);
        Assert.Equal(cut.Body, resent.Body);
        Assert.Equal(2, receiver.Received.Select(w => w.Id).Distinct().Count());
    }
}
