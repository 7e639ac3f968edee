using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// A few sample news topics, written for this project, so a first run shows something. Loaded only in
/// Development (or where Seed:Enabled is true) and only into an empty database. Goes through the normal
/// services, so seeded replies have seqs and log entries like any other.
/// </summary>
public static class DemoSeed
{
    private static readonly Caller Desk = new("newsdesk", "Newsdesk", Roles.Admin);

    // Each story is an article of a made-up news site, keyed by that site's own id (PROTOCOL.md v3 "Articles"),
    // so the demo's front page shows live counts by article id and its article pages find threads by it.
    private static readonly (string ArticleId, string Title, string Body, string[] Sources, (string Id, string Name, string Text)[] Replies)[] Stories =
    [
        ("4701", "Harbour town votes to turn its old ferry terminal into a public library",
         "After two years of consultations, the council of a small harbour town approved plans to convert the disused ferry terminal into a library with a reading room overlooking the water. Construction is expected to start in spring and the building should open within eighteen months.\n\nThe plan keeps the terminal's clock tower and the original waiting-room benches.",
         ["https://example.org/news/ferry-terminal-library"],
         [("reader-mila", "Mila", "Keeping the benches is a lovely touch. I used to wait there for the morning boat."),
          ("reader-tom", "Tom", "Eighteen months sounds optimistic for a listed building, but I hope they make it.")]),
        ("4702", "Regional rail operator trials quiet carriages with phone-free zones",
         "A regional rail operator is trialling two quiet carriages per train on its busiest commuter line. Phone calls and loud music are not allowed, and the operator will publish passenger feedback after three months.",
         ["https://example.org/news/quiet-carriages"],
         [("reader-sam", "Sam", "Finally. Half my commute is other people's conference calls.")]),
        ("4703", "Volunteers count a record number of swifts nesting under city bridges",
         "An annual volunteer survey counted more swift nests under the city's bridges than in any year since records began. Organisers credit nest boxes installed during recent bridge repairs.",
         ["https://example.org/news/swift-survey", "https://example.org/data/swift-survey-table"],
         []),
        ("4704", "Town hall opens its budget spreadsheet to residents",
         "The town hall has published its full draft budget as an open spreadsheet and invites residents to comment line by line before the council vote next month.",
         [],
         [("reader-ines", "Ines", "Line 212, street lighting maintenance, doubled from last year. Does anyone know why?")]),
    ];

    public static async Task SeedDemoTopicsAsync(this WebApplication app)
    {
        var enabled = app.Configuration.GetValue<bool?>("Seed:Enabled") ?? app.Environment.IsDevelopment();
        if (!enabled)
        {
            return;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        if (await db.Topics.AnyAsync())
        {
            return;
        }
        var articles = scope.ServiceProvider.GetRequiredService<Articles.ArticleService>();
        var replies = scope.ServiceProvider.GetRequiredService<ReplyService>();
        foreach (var story in Stories)
        {
            var url = $"https://example.org/news/{story.ArticleId}";
            var article = await articles.UpsertAsync(Desk, story.ArticleId, new Articles.ArticleInput(story.Title, url, story.Body, [.. story.Sources], null), CancellationToken.None);
            foreach (var (id, name, text) in story.Replies)
            {
                await replies.PostAsync(new Caller(id, name, Roles.Member), article.Value!.Topic.Id, new NewReply(text, null), CancellationToken.None);
            }
        }
    }
}
