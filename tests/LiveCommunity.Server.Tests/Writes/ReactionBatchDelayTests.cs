using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Writes;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Writes;

/// <summary>A host whose reaction batches wait long enough to fill that no test can miss the wait.</summary>
public sealed class PatientBatchApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Writes:ReactionBatchDelay", "00:00:20")];
}

/// <summary>
/// Commands that may wait for their batch (reactions) share a commit with those that come soon after, and any other
/// command ends the wait at once: a reply never waits for reactions' sake.
/// </summary>
public sealed class ReactionBatchDelayTests(PatientBatchApp app) : IClassFixture<PatientBatchApp>
{
    private TopicWriter Writer => app.Services.GetRequiredService<TopicWriter>();

    [Fact]
    public async Task CommandsThatMayWaitShareOneBatch()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var seen = new Seen();
        var first = Writer.WriteAsync(new Probe(topicId, seen, mayWait: true));
        // Alone, it waits for company (up to 20 s here, 2 s once no more come than the last batch held) instead of committing at once.
        await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(first.IsCompleted, "a command that may wait committed alone at once");
        var later = Enumerable.Range(0, 4).Select(_ => Writer.WriteAsync(new Probe(topicId, seen, mayWait: true))).ToList();

        await Task.WhenAll(later.Append(first)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, seen.Count);
        Assert.Equal(1, seen.Distinct); // one transaction, one commit for all five
    }

    [Fact]
    public async Task ACommandThatMayNotWaitEndsTheWaitForEveryone()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var seen = new Seen();
        var waiting = Writer.WriteAsync(new Probe(topicId, seen, mayWait: true));
        await Eventually.TrueAsync(() => Writer.Queued >= 1);
        var reply = Writer.WriteAsync(new Probe(topicId, seen, mayWait: false));

        // Long before the wait would end (2 s at the least): the batch starts at the second command, with both in it.
        var done = await Task.WhenAny(Task.WhenAll(waiting, reply), Task.Delay(TimeSpan.FromSeconds(1.5)));
        Assert.True(reply.IsCompleted && waiting.IsCompleted, "the command that may not wait waited out the reactions' delay");
        Assert.Equal(1, seen.Distinct);
        _ = done;
    }

    [Fact]
    public async Task ReactionsThatWaitedForEachOtherAreAllCounted()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await app.Member("patient-author").PostReplyAsync(topicId, "react to me"))["id"]!;

        var reactions = Enumerable.Range(0, 6).Select(async i =>
        {
            using var http = app.Member($"patient-{i}").Http();
            var response = await http.PutAsync($"/api/replies/{replyId}/reactions/like", null);
            return await response.ReadAsync(System.Net.HttpStatusCode.OK);
        }).ToList();
        var answers = await Task.WhenAll(reactions).WaitAsync(TimeSpan.FromSeconds(30));

        // Each answer counts the reactions before it in the shared batch and its own: 1 to 6, each once.
        Assert.Equal(Enumerable.Range(1, 6), answers.Select(a => (int)a["reactions"]!["like"]!).Order());
        await app.Anonymous().WithDbAsync(async db =>
            Assert.Equal(6, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Reactions, r => r.TargetId == replyId)));
    }

    private sealed class Seen
    {
        private readonly List<Guid> _dbs = []; // transaction ids: pooled contexts are reused, transactions are not

        public int Count
        {
            get
            {
                lock (_dbs)
                {
                    return _dbs.Count;
                }
            }
        }

        public int Distinct
        {
            get
            {
                lock (_dbs)
                {
                    return _dbs.Distinct().Count();
                }
            }
        }

        public void Add(Guid transaction)
        {
            lock (_dbs)
            {
                _dbs.Add(transaction);
            }
        }
    }

    private sealed class Probe(string topicId, Seen seen, bool mayWait) : WriteCommand<bool>
    {
        public override string? TopicId => topicId;
        public override Caller? Writer => null;
        public override bool MayWaitForBatch => mayWait;

        public override Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
        {
            seen.Add(write.Db.Database.CurrentTransaction!.TransactionId);
            return Task.FromResult<Outcome<bool>>(true);
        }
    }
}
