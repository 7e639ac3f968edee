using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Articles;

/// <summary>A host whose database commands are logged and captured.</summary>
public sealed class CommandLogApp : AppFactory
{
    private readonly LogCapture _logs = new();

    /// <summary>Commands run on topics or reaction counts so far, the close sweep's excepted (it runs on its own clock).</summary>
    public int TopicCommands => _logs.Lines.Count(l => l.Category == "Microsoft.EntityFrameworkCore.Database.Command" && l.EventId == 20101
        && (l.Message.Contains("\"Topics\"") || l.Message.Contains("\"ReactionCounts\"")) && !l.Message.Contains("ClosesAt"));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class ArticleCountsQueryTests(CommandLogApp app) : IClassFixture<CommandLogApp>
{
    [Fact]
    public async Task AHundredArticlesCostOneQuery()
    {
        var prefix = "q" + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, 100).Select(i => $"{prefix}-{i}").ToList();
        var reader = app.Member();
        using (var cms = new TestUser(app, Users.Make("cms", "publisher")).Http())
        {
            foreach (var id in ids.Take(20))
            {
                var topic = await (await cms.PutAsJsonAsync($"/api/articles/{id}", new { title = "T", url = "https://news.example/" + id })).ReadAsync(HttpStatusCode.Created);
                await reader.PostReplyAsync((string)topic["id"]!, "hello");
            }
        }

        using var http = app.Anonymous().Http();
        var before = app.TopicCommands;
        var body = await (await http.GetAsync($"/api/articles/counts?ids={string.Join(',', ids)}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(20, body["items"]!.AsObject().Count);
        Assert.All(body["items"]!.AsObject(), item => Assert.Equal(1, (int)item.Value!["replyCount"]!));
        Assert.Equal(1, app.TopicCommands - before);
    }
}
