using LiveCommunity.Server.Notifications.Email;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Notifications.Email;

/// <summary>The test SMTP server, shared by a class's tests (each test mails its own readers).</summary>
public sealed class SmtpFixture : IAsyncLifetime
{
    public SmtpServer Smtp { get; private set; } = null!;

    public async Task InitializeAsync() => Smtp = await SmtpServer.StartAsync();

    public Task DisposeAsync()
    {
        Smtp?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A host that sends notification email to the test SMTP server. The mailer's clock is fake: a test moves it past
/// the digest window instead of waiting; the mailer itself looks every 50 ms of real time.
/// </summary>
public class EmailApp : AppFactory
{
    public const string LinkTemplate = "https://news.example/story/{articleId}?topic={topicId}#reply-{replyId}";

    private readonly int _smtpPort;
    private readonly IEnumerable<KeyValuePair<string, string?>> _extra;

    public EmailApp(SmtpServer smtp, IEnumerable<KeyValuePair<string, string?>>? extra = null) => (_smtpPort, _extra) = (smtp.Port, extra ?? []);

    /// <summary>A host on a database another host also uses (two instances, or a restart).</summary>
    public EmailApp(SmtpServer smtp, TestDatabase shared, IEnumerable<KeyValuePair<string, string?>>? extra = null)
        : this(smtp.Port, shared, extra)
    {
    }

    /// <summary>A host that sends to this port, whether a server listens there or not (yet).</summary>
    public EmailApp(int smtpPort, TestDatabase shared, IEnumerable<KeyValuePair<string, string?>>? extra = null)
        : base(shared) => (_smtpPort, _extra) = (smtpPort, extra ?? []);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public static readonly TimeSpan EmailEvery = TimeSpan.FromMinutes(15);

    /// <summary>Moves the mailer's clock past a digest window (and past the last email's).</summary>
    public void PassTheWindow() => Clock.Advance(EmailEvery + TimeSpan.FromMinutes(1));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Notifications:Smtp:Host", "127.0.0.1"),
        new("Notifications:Smtp:Port", _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Notifications:Smtp:UseTls", "false"),
        new("Notifications:Smtp:From", "News Example <community@news.example>"),
        new("Notifications:PublicUrl", "http://localhost"),
        new("Notifications:SiteName", "News Example"),
        new("Notifications:LinkTemplate", LinkTemplate),
        new("Notifications:MailerInterval", "00:00:00.050"),
        .. _extra,
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(new EmailClock(Clock)));
    }

    /// <summary>A member whose token carries an email address.</summary>
    public TestUser Reader(string name = "Reader")
    {
        var plain = Users.Make(name, "member");
        var email = $"{plain.Id}@readers.example";
        return new TestUser(this, plain with { Token = Users.Token(new() { ["sub"] = plain.Id, ["name"] = name, ["role"] = "member", ["email"] = email }) });
    }

    public static string AddressOf(TestUser reader) => $"{reader.Id}@readers.example";

    /// <summary>The reader writes a reply (their token's address is stored then) and leaves; returns the topic and reply.</summary>
    public async Task<(string TopicId, string ReplyId)> ReplyAndLeaveAsync(TestUser reader)
    {
        var topicId = (string)(await Moderator().CreateTopicAsync("Budget vote tonight"))["id"]!;
        var replyId = (string)(await reader.PostReplyAsync(topicId, "I think the vote will pass."))["id"]!;
        return (topicId, replyId);
    }

    /// <summary>Someone answers the reader's reply (on <paramref name="via"/>, else here); returns the reader's notification's id.</summary>
    public async Task<string> AnswerAsync(TestUser reader, string topicId, string replyId, string name, string text, AppFactory? via = null)
    {
        var answer = (string)(await new TestUser(via ?? this, Users.Make(name, "member")).PostReplyAsync(topicId, text, replyId))["id"]!;
        using var http = reader.Http();
        var list = await (await http.GetAsync("/api/me/notifications?limit=50")).ReadAsync(System.Net.HttpStatusCode.OK);
        return (string)list["items"]!.AsArray().Single(n => (string?)n!["replyId"] == answer)!["id"]!;
    }

    /// <summary>Sends that failed in a row for this reader.</summary>
    public async Task<int> FailuresAsync(TestUser reader)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return await db.EmailSettings.Where(s => s.UserId == reader.Id).Select(s => s.Failures).SingleAsync();
    }

    /// <summary>The EmailState of a notification: 0 waiting, 1 emailed, 2 not to be emailed.</summary>
    public async Task<byte> EmailStateAsync(string notificationId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return await db.Notifications.Where(n => n.Id == notificationId).Select(n => EF.Property<byte>(n, EmailModel.EmailState)).SingleAsync();
    }

    /// <summary>Waits until the mailer has decided about the notification (emailed or not), and says what.</summary>
    public async Task<byte> DecidedAsync(string notificationId)
    {
        byte state = 0;
        Assert.True(await Eventually.TrueAsync(async () => (state = await EmailStateAsync(notificationId)) != 0), "the mailer never decided");
        return state;
    }
}
