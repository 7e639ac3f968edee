using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Writes;

public sealed class GatedWritesApp : AppFactory
{
    public GatedTopicVersions Versions => (GatedTopicVersions)Services.GetRequiredService<ITopicVersions>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(GatedTopicVersions.Install);
    }
}

/// <summary>
/// Issue 18: a batch holds its batch slot (on SQLite the only one, Database:MaxWriteBatches = 1) for its transaction
/// only. Publishing its events and answering its callers happen after the slot is released, so a slow publish never
/// holds up the next batch's commit.
/// </summary>
public sealed class PublishAfterCommitTests(GatedWritesApp app) : IClassFixture<GatedWritesApp>
{
    [Fact]
    public async Task ABatchStuckAfterItsCommitDoesNotHoldUpAnotherTopicsCommit()
    {
        var moderator = app.Moderator();
        var slow = (string)(await moderator.CreateTopicAsync("Slow to publish"))["id"]!;
        var other = (string)(await moderator.CreateTopicAsync("Next in line"))["id"]!;
        app.Versions.GatedTopic = slow;
        try
        {
            var stuck = moderator.PostReplyAsync(slow, "committed, publishing slowly");
            await app.Versions.Reached.WaitAsync(TimeSpan.FromSeconds(30));

            // With the slot still held this would wait out Writes:MaxWait and be refused as busy (503).
            var next = await app.Member().PostReplyAsync(other, "committed meanwhile");
            Assert.Equal("committed meanwhile", (string?)next["body"]);
            Assert.False(stuck.IsCompleted);

            app.Versions.Open();
            Assert.Equal("committed, publishing slowly", (string?)(await stuck)["body"]);
        }
        finally
        {
            app.Versions.Open();
        }
    }
}
