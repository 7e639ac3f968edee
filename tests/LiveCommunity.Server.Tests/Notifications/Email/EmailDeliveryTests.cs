using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications.Email;

/// <summary>The outbox is durable and shared: two instances send one email, a restart loses none.</summary>
public sealed class EmailDeliveryTests(SmtpFixture smtp) : IClassFixture<SmtpFixture>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lc-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TwoInstancesOnOneDatabaseSendEachEmailOnce()
    {
        var database = TestDatabase.CreateShared(_folder);
        try
        {
            using var a = new EmailApp(smtp.Smtp, database);
            _ = a.Server; // A applies the migrations before B starts
            using var b = new EmailApp(smtp.Smtp, database);
            _ = b.Server;
            var readers = Enumerable.Range(0, 6).Select(i => a.Reader($"Reader{i}")).ToList();
            var notifications = new List<string>();
            foreach (var reader in readers)
            {
                var (topicId, replyId) = await a.ReplyAndLeaveAsync(reader);
                notifications.Add(await a.AnswerAsync(reader, topicId, replyId, "Ann", "First", via: b));
                notifications.Add(await a.AnswerAsync(reader, topicId, replyId, "Ben", "Second"));
            }

            // Both mailers find every reader due at once and race for them.
            a.PassTheWindow();
            b.PassTheWindow();
            foreach (var id in notifications)
            {
                Assert.Equal(1, await a.DecidedAsync(id));
            }
            foreach (var reader in readers)
            {
                var message = Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));
                Assert.Equal("2 new replies to you on News Example", message.Subject);
            }
        }
        finally
        {
            database.Drop();
        }
    }

    [Fact]
    public async Task ANotificationWaitingAtARestartIsEmailedByTheNextInstance()
    {
        var database = TestDatabase.CreateShared(_folder);
        try
        {
            string notification;
            TestUser reader;
            using (var before = new EmailApp(smtp.Smtp, database))
            {
                reader = before.Reader();
                var (topicId, replyId) = await before.ReplyAndLeaveAsync(reader);
                notification = await before.AnswerAsync(reader, topicId, replyId, "Ann", "Answered before the restart");
                Assert.Equal(0, await before.EmailStateAsync(notification)); // still in the digest window
            }

            using var after = new EmailApp(smtp.Smtp, database);
            after.PassTheWindow();
            Assert.Equal(1, await after.DecidedAsync(notification));
            var message = Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));
            Assert.Contains("Answered before the restart", message.TextBody);
        }
        finally
        {
            database.Drop();
        }
    }

    [Fact]
    public async Task AFailedSendIsRetriedUntilItGoesAndNothingIsLost()
    {
        var database = TestDatabase.CreateShared(_folder);
        var port = LocalProcess.FreePort(); // nothing listens there yet: every send fails
        try
        {
            using var app = new EmailApp(port, database);
            var reader = app.Reader();
            var (topicId, replyId) = await app.ReplyAndLeaveAsync(reader);
            var notification = await app.AnswerAsync(reader, topicId, replyId, "Ann", "Sent once the server is up");
            app.PassTheWindow();
            Assert.True(await Eventually.TrueAsync(async () => await app.FailuresAsync(reader) == 1), "the mailer never tried");
            app.Clock.Advance(TimeSpan.FromMinutes(1)); // the first retry delay (Notifications:RetryDelay)
            Assert.True(await Eventually.TrueAsync(async () => await app.FailuresAsync(reader) == 2), "the mailer never tried again");
            Assert.Equal(0, await app.EmailStateAsync(notification)); // still waiting

            using var late = await SmtpServer.StartAsync(port);
            app.Clock.Advance(TimeSpan.FromHours(1)); // past the longest retry delay
            Assert.Equal(1, await app.DecidedAsync(notification));
            Assert.Contains("Sent once the server is up", Assert.Single(late.MessagesTo(EmailApp.AddressOf(reader))).TextBody);
            Assert.Equal(0, await app.FailuresAsync(reader));
        }
        finally
        {
            database.Drop();
        }
    }
}
