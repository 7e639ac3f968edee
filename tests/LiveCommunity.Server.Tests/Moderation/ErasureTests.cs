using System.Net;
using System.Net.Http.Json;
using System.Text;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>A host whose log is captured, and whose erasure calls wait long for their job (the tests decide when it ends).</summary>
public sealed class ErasureApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Moderation:ErasureWait", "00:05:00")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

/// <summary>Erasure for legal takedowns: the text is gone from the rows, the event log and (on SQLite) the files.</summary>
public sealed class ErasureTests(ErasureApp app) : IClassFixture<ErasureApp>
{
    [Fact]
    public async Task AnErasedReplyIsGoneFromStorageAndTheFilesAndCannotComeBack()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var marker = "takedown-" + Guid.NewGuid().ToString("N");
        var author = app.Member();
        var replyId = (string)(await author.PostReplyAsync(topicId, $"{marker} first version"))["id"]!;
        using (var http = author.Http())
        {
            (await http.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = $"{marker} second version" })).EnsureSuccessStatusCode();
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        if (!TestDatabase.UsePostgres)
        {
            Assert.True(FilesContain(marker), "the text should be in the database files before the erasure");
        }

        using var admin = app.Admin().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/replies/{replyId}?erase=true&reason=court+order")).StatusCode);
        await watcher.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);

        await app.Anonymous().WithDbAsync(async db =>
        {
            Assert.False(await db.Replies.AnyAsync(r => r.Body.Contains(marker)));
            Assert.False(await db.TopicEvents.AnyAsync(e => e.Data != null && e.Data.Contains(marker)));
            Assert.True(await db.Replies.AnyAsync(r => r.Id == replyId && r.Erased && r.State == ReplyState.Removed));
        });
        if (!TestDatabase.UsePostgres)
        {
            Assert.False(FilesContain(marker), "the erased text is still in the SQLite files");
        }

        using var moderator = app.Moderator().Http();
        await (await moderator.PostAsync($"/api/replies/{replyId}/restore", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/replies/{replyId}?erase=true")).StatusCode); // harmless again
        var log = (await (await moderator.GetAsync("/api/moderation/log")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Single(log, e => (string?)e!["action"] == "erase" && (string?)e["targetId"] == replyId);
    }

    [Fact]
    public async Task ErasingAUsersContentErasesEveryReplyInEveryTopic()
    {
        var author = app.Member();
        var marker = "gdpr-" + Guid.NewGuid().ToString("N");
        var topics = new List<string>();
        for (var t = 0; t < 3; t++)
        {
            var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
            topics.Add(topicId);
            await author.PostReplyAsync(topicId, $"{marker} in topic {t}");
        }
        // One of them was removed before: it is erased too.
        using (var moderator = app.Moderator().Http())
        {
            var page = await (await moderator.GetAsync($"/api/topics/{topics[0]}/replies")).ReadAsync(HttpStatusCode.OK);
            (await moderator.DeleteAsync($"/api/replies/{page["items"]![0]!["id"]}")).EnsureSuccessStatusCode();
        }
        await app.Member().PostReplyAsync(topics[1], "someone else's reply stays");

        using var admin = app.Admin().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{author.Id}/content?reason=data+protection+request")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{author.Id}/content")).StatusCode);

        await app.Anonymous().WithDbAsync(async db =>
        {
            Assert.Equal(3, await db.Replies.CountAsync(r => r.AuthorId == author.Id && r.Erased && r.Body == ""));
            Assert.False(await db.TopicEvents.AnyAsync(e => e.Data != null && e.Data.Contains(marker)));
            Assert.True(await db.Replies.AnyAsync(r => r.Body == "someone else's reply stays"));
            foreach (var topicId in topics)
            {
                await LogConsistency.AssertAsync(db, topicId);
            }
        });
        if (!TestDatabase.UsePostgres)
        {
            Assert.False(FilesContain(marker));
        }
        using var moderatorHttp = app.Moderator().Http();
        await (await moderatorHttp.DeleteAsync($"/api/users/{author.Id}/content")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnErasureDeletesTheNotesOfReportsThatQuoteTheReply()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var marker = "quoted-" + Guid.NewGuid().ToString("N");
        var replyId = (string)(await app.Member().PostReplyAsync(topicId, $"{marker} said here"))["id"]!;
        using (var reader = app.Member().Http())
        {
            (await reader.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse", note = $"it says \"{marker}\"" })).EnsureSuccessStatusCode();
        }
        using var admin = app.Admin().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/replies/{replyId}?erase=true")).StatusCode);
        await app.Anonymous().WithDbAsync(async db =>
        {
            Assert.False(await db.Reports.AnyAsync(r => r.ReplyId == replyId));
            Assert.False(await db.Reports.AnyAsync(r => r.Note != null && r.Note.Contains(marker)));
        });
        if (!TestDatabase.UsePostgres)
        {
            Assert.False(FilesContain(marker), "the report's note is still in the SQLite files");
        }
    }

    [Fact]
    public async Task AnErasureAnswersOnlyOnceTheTextIsOutOfTheSqliteFilesHoweverLongReadersKeepThemBusy()
    {
        if (TestDatabase.UsePostgres)
        {
            return; // PostgreSQL's files are compacted by VACUUM (docs/deployment.md), not by the erasure
        }
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var marker = "busy-" + Guid.NewGuid().ToString("N");
        var replyId = (string)(await app.Member().PostReplyAsync(topicId, $"{marker} to be erased"))["id"]!;

        // A reader in the middle of a snapshot: no checkpoint can truncate the WAL while it lasts.
        using var admin = app.Admin().Http();
        Task<HttpResponseMessage> erasing;
        await using (var reader = new SqliteConnection(app.Database.ConnectionString))
        {
            await reader.OpenAsync();
            using var snapshot = reader.BeginTransaction(deferred: true);
            await using (var read = reader.CreateCommand())
            {
                read.Transaction = snapshot;
                read.CommandText = "SELECT count(*) FROM \"Replies\"";
                await read.ExecuteScalarAsync();
            }
            erasing = admin.DeleteAsync($"/api/replies/{replyId}?erase=true");
            await Eventually.TrueAsync(() => erasing.IsCompleted || app.Logs.Any(l => l.EventId == 5205),
                TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
            Assert.True(app.Logs.Any(l => l.EventId == 5205) || erasing.IsCompleted, "neither an answer nor the busy warning came");
            Assert.False(erasing.IsCompleted, "the erasure answered while the WAL still held the text");
        }
        Assert.Equal(HttpStatusCode.NoContent, (await erasing).StatusCode);
        Assert.False(FilesContain(marker), "the erased text is still in the SQLite files");
    }

    // The raw bytes of the SQLite database and its WAL, as anyone with the disk would read them.
    private bool FilesContain(string text)
    {
        var path = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.ToArray().AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }
        return false;
    }
}
