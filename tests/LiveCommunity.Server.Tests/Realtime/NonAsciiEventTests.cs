using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// Texts at their full length in scripts outside ASCII pass every write that logs an event, and come back whole
/// through replay (on SQLite, and on PostgreSQL with LC_TEST_DATABASE=postgres).
/// </summary>
public sealed class NonAsciiEventTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const int TopicBodyMax = 20_000;
    private const int ReplyMax = 5_000;

    [Theory]
    [InlineData("cyrillic", "Тема без конца и края, ", 'ж')]
    [InlineData("cjk", "今日のニュースについて話しましょう。", '字')]
    [InlineData("emoji", "👍🏽🎉🔥 ", 'é')]
    [InlineData("mixed", "Ünïcödé מילים 単語 🙂 <b>&'\"+</b> ", 'ß')]
    public async Task ATopicAndReplyAtFullLengthInAnyScriptPassEveryWriteAndReplayWhole(string script, string sample, char filler)
    {
        var body = Fill(sample, filler, TopicBodyMax);
        var moderator = app.Moderator();
        var topic = await moderator.CreateTopicAsync(title: $"Long {script} topic", body: body);
        var topicId = (string)topic["id"]!;
        Assert.Equal(body, (string?)topic["body"]);

        var member = app.Member();
        using var http = member.Http();
        var reply = await member.PostReplyAsync(topicId, Fill(sample, filler, ReplyMax));
        var edit = Fill(sample.ToUpperInvariant(), filler, ReplyMax);
        (await http.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = edit })).EnsureSuccessStatusCode();
        using var moderation = moderator.Http();
        var locked = await moderation.PutAsync($"/api/topics/{topicId}/lock", null);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);

        await using var watcher = await app.Anonymous().ConnectAsync();
        var replay = await watcher.WatchAsync(topicId, 0);
        Assert.False((bool)replay["reset"]!);
        var missed = replay["missed"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["ReplyPosted", "ReplyEdited", "TopicUpdated"], missed.Select(e => (string?)e["type"]));
        Assert.Equal(edit, (string?)missed[1]["reply"]!["body"]);
        Assert.Equal(body, (string?)missed[2]["topic"]!["body"]);
        Assert.True((bool)missed[2]["topic"]!["locked"]!);

        // Stored as the text is: a character of the Basic Multilingual Plane is not written as a six-character
        // \uXXXX escape (characters outside it, like emoji, are: System.Text.Json escapes every surrogate pair).
        List<string> stored = [];
        await member.WithDbAsync(async db => stored = await db.TopicEvents.Where(e => e.TopicId == topicId)
            .OrderBy(e => e.Seq).Select(e => e.Data!).ToListAsync());
        var plain = (sample + filler).First(c => c > 127 && !char.IsSurrogate(c)).ToString();
        Assert.All(stored, data => Assert.Contains(plain, data, StringComparison.Ordinal));
        Assert.All(stored, data => Assert.DoesNotMatch(SixCharacterEscape, data));
    }

    // \uXXXX of anything but a surrogate (emoji) or a control character.
    private static readonly System.Text.RegularExpressions.Regex SixCharacterEscape =
        new(@"\\u(?!d[89a-f]|00[01])[0-9a-f]{4}", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    // The sample repeated as often as it fits whole, then one-character filler up to exactly the length.
    private static string Fill(string sample, char filler, int length)
    {
        var text = new System.Text.StringBuilder(length);
        while (text.Length + sample.Length <= length)
        {
            text.Append(sample);
        }
        return text.Append(filler, length - text.Length).ToString();
    }
}
