using LiveCommunity.Server.Delivery;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>How often a topic's count may go out: once a window, spread further for a crowd, within a longest gap.</summary>
public sealed class PresenceQuietTests
{
    private static readonly PresenceOptions Defaults = new();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(1_000, 1)]
    [InlineData(1_800, 1.8)]
    [InlineData(4_000, 4)]
    [InlineData(5_000, 5)]
    [InlineData(50_000, 5)]
    public void ACrowdsCountIsSpreadSoItsSendsStayWithinTheirRate(int watchers, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), PresenceBroadcaster.QuietAfter(watchers, Defaults));

    [Fact]
    public void AThrottleLongerThanTheLongestGapWins()
    {
        // An operator who quietened presence to 30 s (as the 50,000-connection cluster run does) keeps 30 s.
        var options = new PresenceOptions { Throttle = TimeSpan.FromSeconds(30) };
        Assert.Equal(TimeSpan.FromSeconds(30), PresenceBroadcaster.QuietAfter(2, options));
        Assert.Equal(TimeSpan.FromSeconds(30), PresenceBroadcaster.QuietAfter(100_000, options));
    }
}
