using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Notifications.Email;

/// <summary>Issue 22 item 2: notification email through a real SMTP server, one per window, one-click unsubscribe.</summary>
public sealed class NotificationEmailTests(SmtpFixture smtp) : IClassFixture<SmtpFixture>, IDisposable
{
    private readonly EmailApp _app = new(smtp.Smtp);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ThreeAnswersWithinTheWindowAreOneEmailWithThreeItemsAndWorkingLinks()
    {
        var reader = _app.Reader();
        var (topicId, replyId) = await _app.ReplyAndLeaveAsync(reader);
        var ids = new List<string>
        {
            await _app.AnswerAsync(reader, topicId, replyId, "Ann", "It will not, the numbers are short."),
            await _app.AnswerAsync(reader, topicId, replyId, "Ben", "Agreed, it passes."),
            await _app.AnswerAsync(reader, topicId, replyId, "Cyd", "Line one\nline two of a long answer"),
        };

        _app.PassTheWindow();
        foreach (var id in ids)
        {
            Assert.Equal(1, await _app.DecidedAsync(id)); // emailed
        }

        var message = Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));
        Assert.Equal("3 new replies to you on News Example", message.Subject);
        Assert.Equal("community@news.example", message.From.Mailboxes.Single().Address);
        var text = message.TextBody;
        Assert.Contains("Ann replied to you in \"Budget vote tonight\"", text);
        Assert.Contains("Ben replied to you", text);
        Assert.Contains("\"Line one line two of a long answer\"", text);
        var replies = await (await _app.Anonymous().Http().GetAsync($"/api/topics/{topicId}/replies?order=oldest")).ReadAsync(HttpStatusCode.OK);
        foreach (var answer in replies["items"]!.AsArray().Where(r => (string?)r!["parentId"] == replyId))
        {
            // The link template filled in for each answer: the host site's page opens at that reply.
            Assert.Contains($"https://news.example/story/?topic={topicId}#reply-{(string)answer!["id"]!}", text);
        }
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith("<http://localhost/api/me/email/unsubscribe?token=", message.Headers["List-Unsubscribe"]);
    }

    [Fact]
    public async Task TheUnsubscribeLinkWorksWithoutSigningInAndStopsFurtherEmail()
    {
        var reader = _app.Reader();
        var (topicId, replyId) = await _app.ReplyAndLeaveAsync(reader);
        var first = await _app.AnswerAsync(reader, topicId, replyId, "Ann", "First answer");
        _app.PassTheWindow();
        Assert.Equal(1, await _app.DecidedAsync(first));
        var message = Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));

        // What a mail client does for RFC 8058: POST the header's link with the one-click body, no credentials.
        var link = new Uri(message.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        Assert.Contains(link.AbsoluteUri, message.TextBody);
        using var anonymous = _app.Anonymous().Http();
        // A GET (a link scanner, or a person's click) only shows a page with a button; it changes nothing.
        var page = await anonymous.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync());
        Assert.Equal("digest", await ModeAsync(reader));

        using var body = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        var done = await (await anonymous.PostAsync(link.PathAndQuery, body)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("off", (string?)done["email"]);
        Assert.Equal("off", await ModeAsync(reader));

        var later = await _app.AnswerAsync(reader, topicId, replyId, "Ben", "A later answer");
        _app.PassTheWindow();
        Assert.Equal(2, await _app.DecidedAsync(later)); // not to be emailed
        Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("dXNlcg.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AForgedOrBrokenTokenIs400AndChangesNothing(string token)
    {
        var reader = _app.Reader();
        using var http = _app.Anonymous().Http();
        var refused = await (await http.PostAsync($"/api/me/email/unsubscribe?token={Uri.EscapeDataString(token)}", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("token", refused["errors"]!.AsObject().Select(e => e.Key));
        await (await http.GetAsync($"/api/me/email/unsubscribe?token={Uri.EscapeDataString(token)}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("digest", await ModeAsync(reader));
    }

    [Fact]
    public async Task ATokenForOneReaderCannotBeChangedIntoAnothers()
    {
        var victim = _app.Reader("Victim");
        var tokens = _app.Services.GetRequiredService<LiveCommunity.Server.Notifications.Email.UnsubscribeTokens>();
        var mine = tokens.For("attacker");
        // The attacker's valid signature with the victim's id in front.
        var forged = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(victim.Id)) + mine[mine.IndexOf('.')..];
        using var http = _app.Anonymous().Http();
        await (await http.PostAsync($"/api/me/email/unsubscribe?token={forged}", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("digest", await ModeAsync(victim));
    }

    [Fact]
    public async Task AConnectedReaderGetsNoEmail()
    {
        var reader = _app.Reader();
        var (topicId, replyId) = await _app.ReplyAndLeaveAsync(reader);
        await using var connection = await reader.ConnectAsync();
        await connection.WatchAsync(topicId); // an invocation runs after the connect (and its bookkeeping) is done
        var id = await _app.AnswerAsync(reader, topicId, replyId, "Ann", "While you are here");
        _app.PassTheWindow();
        Assert.Equal(2, await _app.DecidedAsync(id));
        Assert.Empty(smtp.Smtp.MessagesTo(EmailApp.AddressOf(reader)));
    }

    [Fact]
    public async Task OffMeansNoEmailAndImmediateSendsTheFirstAtOnce()
    {
        var quiet = _app.Reader("Quiet");
        var (topicId, replyId) = await _app.ReplyAndLeaveAsync(quiet);
        Assert.Equal("off", await SetModeAsync(quiet, "off"));
        var id = await _app.AnswerAsync(quiet, topicId, replyId, "Ann", "Hello?");
        _app.PassTheWindow();
        Assert.Equal(2, await _app.DecidedAsync(id));
        Assert.Empty(smtp.Smtp.MessagesTo(EmailApp.AddressOf(quiet)));

        var eager = _app.Reader("Eager");
        var (topic2, reply2) = await _app.ReplyAndLeaveAsync(eager);
        Assert.Equal("immediate", await SetModeAsync(eager, "immediate"));
        var first = await _app.AnswerAsync(eager, topic2, reply2, "Ben", "Straight away");
        Assert.Equal(1, await _app.DecidedAsync(first)); // the mailer's clock did not move
        Assert.Equal("Ben replied to you on News Example", Assert.Single(smtp.Smtp.MessagesTo(EmailApp.AddressOf(eager))).Subject);
    }

    [Fact]
    public async Task PreferencesNeedSignInAndRefuseUnknownModes()
    {
        using var anonymous = _app.Anonymous().Http();
        await (await anonymous.GetAsync("/api/me/preferences")).ProblemAsync(HttpStatusCode.Unauthorized);
        var reader = _app.Reader();
        using var http = reader.Http();
        var bad = await (await http.PutAsJsonAsync("/api/me/preferences", new { email = "weekly" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("email", bad["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal("digest", await ModeAsync(reader));
    }

    [Fact]
    public async Task ATokenWithABadEmailClaimIsRefused()
    {
        var plain = Users.Make("Mallory", "member");
        using var http = _app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer",
            Users.Token(new() { ["sub"] = plain.Id, ["name"] = "Mallory", ["email"] = "a@b.example, victim@c.example" }));
        var refused = await (await http.GetAsync("/api/me/preferences")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("'email' claim", (string?)refused["detail"]);
    }

    private static async Task<string?> ModeAsync(TestUser reader)
    {
        using var http = reader.Http();
        return (string?)(await (await http.GetAsync("/api/me/preferences")).ReadAsync(HttpStatusCode.OK))["email"];
    }

    private static async Task<string?> SetModeAsync(TestUser reader, string mode)
    {
        using var http = reader.Http();
        return (string?)(await (await http.PutAsJsonAsync("/api/me/preferences", new { email = mode })).ReadAsync(HttpStatusCode.OK))["email"];
    }
}
