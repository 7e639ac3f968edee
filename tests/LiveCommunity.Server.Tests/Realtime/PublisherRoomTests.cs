using System.Reflection;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// The topic's write pipeline waits in <see cref="TopicEventPublisher.RoomAsync"/> while the topic's groups have
/// no room for more sends here, so a group whose fan-out falls behind holds the topic's next batch back.
/// </summary>
public sealed class PublisherRoomTests
{
    [Fact]
    public async Task ThePipelineWaitsUntilEveryGroupOfTheTopicHasRoomAfterTheEventsWentOut()
    {
        var clients = new FakeClients();
        var publisher = Publisher(clients);
        var topicRoom = new TaskCompletionSource();
        var updatesRoom = new TaskCompletionSource();
        clients.Rooms[TopicEventPublisher.GroupOf("t")] = topicRoom.Task;
        clients.Rooms[TopicEventPublisher.UpdatesGroupOf("t")] = updatesRoom.Task;

        TopicEvent[] events = [new ReplyFeaturedEvent("t", 1, "r1", true), new ReplyFeaturedEvent("t", 2, "r2", true)];
        Assert.True(publisher.PublishAsync(events, 0).IsCompletedSuccessfully, "publishing waited");
        Assert.Equal(["topic:t ReplyFeatured 1", "topic:t ReplyFeatured 2"], clients.Sent);

        var publishing = publisher.RoomAsync(events);
        Assert.False(publishing.IsCompleted);
        topicRoom.SetResult();
        await Task.Delay(50);
        Assert.False(publishing.IsCompleted, "it went on while the updates group had no room");
        updatesRoom.SetResult();
        await publishing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["topic:t", "updates:t"], clients.Asked.Distinct());
    }

    private static TopicEventPublisher Publisher(FakeClients clients)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        // Featuring a reply changes nothing the topic list shows, so the list's collaborators are never called.
        var topicList = new TopicListBroadcaster(clients, null!, null!, null!, null!, new FakeTimeProvider(), Options.Create(new TopicListOptions()),
            NullLogger<TopicListBroadcaster>.Instance);
        return new TopicEventPublisher(clients, new CommunityMetrics(meters), topicList, NullLogger<TopicEventPublisher>.Instance);
    }

    /// <summary>Records the sends and answers room from <see cref="Rooms"/>.</summary>
    private sealed class FakeClients : IDiscussionClients, IHubClients<IDiscussionClient>
    {
        public List<string> Sent { get; } = [];
        public List<string> Asked { get; } = [];
        public Dictionary<string, Task> Rooms { get; } = [];

        IHubClients<IDiscussionClient> IDiscussionClients.Clients => this;

        public Task SendStateAsync(string groupName, string methodName, object arg) => Task.CompletedTask;

        public Task RoomAsync(string groupName)
        {
            Asked.Add(groupName);
            return Rooms.GetValueOrDefault(groupName, Task.CompletedTask);
        }

        public IDiscussionClient Group(string groupName)
        {
            var client = DispatchProxy.Create<IDiscussionClient, Recorder>();
            ((Recorder)(object)client).Record = (method, args) => Sent.Add($"{groupName} {method} {((TopicEvent)args![0]!).Seq}");
            return client;
        }

        public IDiscussionClient All => throw new NotSupportedException();
        public IDiscussionClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();
        public IDiscussionClient Client(string connectionId) => throw new NotSupportedException();
        public IDiscussionClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();
        public IDiscussionClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();
        public IDiscussionClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();
        public IDiscussionClient User(string userId) => throw new NotSupportedException();
        public IDiscussionClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
    }

    public class Recorder : DispatchProxy
    {
        public Action<string, object?[]?> Record { get; set; } = (_, _) => { };

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            Record(targetMethod!.Name, args);
            return Task.CompletedTask;
        }
    }
}
