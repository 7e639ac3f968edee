using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications.Email;

/// <summary>
/// "No open hub connection" across a cluster: the reader is connected to A, and B's mailer decides. A's mailer
/// looks once at its start and then not for an hour, so only B can decide.
/// </summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class EmailClusterTests : IAsyncLifetime
{
    private SmtpServer _smtp = null!;
    private RedisServer _redis = null!;
    private TestDatabase _database = null!;
    private EmailApp _a = null!;
    private EmailApp _b = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpServer.StartAsync();
        _redis = await RedisServer.StartAsync();
        _database = TestDatabase.CreatePostgres();
        KeyValuePair<string, string?>[] cluster =
        [
            new("ConnectionStrings:Redis", _redis.ConnectionString),
            new("Redis:PresenceHeartbeat", "00:00:00.500"),
            new("Redis:PresenceTtl", "00:00:03"),
        ];
        _a = new EmailApp(_smtp, _database, [.. cluster, new("Notifications:MailerInterval", "01:00:00")]);
        _ = _a.Server; // A applies the migrations before B starts
        _b = new EmailApp(_smtp, _database, cluster);
        _ = _b.Server;
        using var http = _b.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    public Task DisposeAsync()
    {
        _a?.Dispose();
        _b?.Dispose();
        _database?.Drop();
        _redis?.Dispose();
        _smtp?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AReaderConnectedToOneInstanceIsNotEmailedByAnotherUntilTheyLeave()
    {
        var reader = _a.Reader();
        var (topicId, replyId) = await _a.ReplyAndLeaveAsync(reader);
        var connection = await reader.ConnectAsync();
        await connection.WatchAsync(topicId); // an invocation runs after the connect (and its bookkeeping) is done

        var whileConnected = await _a.AnswerAsync(reader, topicId, replyId, "Ann", "While you are on A");
        _b.PassTheWindow();
        Assert.Equal(2, await _b.DecidedAsync(whileConnected));
        Assert.Empty(_smtp.MessagesTo(EmailApp.AddressOf(reader)));

        await connection.DisposeAsync();
        var afterLeaving = await _a.AnswerAsync(reader, topicId, replyId, "Ben", "After you left");
        _b.PassTheWindow();
        Assert.Equal(1, await _b.DecidedAsync(afterLeaving));
        var message = Assert.Single(_smtp.MessagesTo(EmailApp.AddressOf(reader)));
        Assert.Contains("After you left", message.TextBody);
        Assert.DoesNotContain("While you are on A", message.TextBody);
    }
}
