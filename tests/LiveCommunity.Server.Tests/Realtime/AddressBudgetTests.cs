using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// Generous per-connection budgets, small per-address ones that do not refill within a test. Every test client
/// comes from the same address.
/// </summary>
public sealed class AddressBudgetApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:AddressReplayBurst", "4"),
        new("Limits:AddressReplaysPerSecond", "0.001"),
        new("Limits:AddressHubInvocationBurst", "12"),
        new("Limits:AddressHubInvocationsPerSecond", "0.001"),
    ];
}

public sealed class AddressBudgetTests(AddressBudgetApp app) : IClassFixture<AddressBudgetApp>
{
    [Fact]
    public async Task ManyConnectionsFromOneAddressShareOneReplayAndInvocationBudget()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, "something to replay");
        var connections = new List<Watcher>();
        try
        {
            // Six fresh connections, each well within its own budgets: only four replays between them.
            var replays = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                var connection = await app.Anonymous().ConnectAsync();
                connections.Add(connection);
                try
                {
                    await connection.WatchAsync(topicId, 0);
                    replays.Add("ok");
                }
                catch (HubException refused)
                {
                    replays.Add(refused.Message);
                }
            }
            Assert.Equal(4, replays.Count(r => r == "ok"));
            Assert.All(replays.Where(r => r != "ok"), r => Assert.Matches(@"^.*rate limited, retry in \d+ s$", r));

            // A Watch that replays nothing is not a replay, but it is an invocation: six spent, six left.
            var invocations = 0;
            HubException? refusal = null;
            for (var round = 0; round < 3 && refusal is null; round++)
            {
                foreach (var connection in connections)
                {
                    try
                    {
                        await connection.WatchAsync(topicId);
                        invocations++;
                    }
                    catch (HubException ex)
                    {
                        refusal = ex;
                        break;
                    }
                }
            }
            Assert.Equal(6, invocations);
            Assert.Matches(@"rate limited, retry in \d+ s", refusal!.Message);
            Assert.All(connections, c => Assert.Equal(HubConnectionState.Connected, c.Connection.State));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
