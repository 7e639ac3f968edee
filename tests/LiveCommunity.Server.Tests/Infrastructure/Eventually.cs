namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// Waits for something another thread or process brings about: polls the condition until it holds or the bound
/// passes, and says which. The bound only keeps a failing test from hanging; the caller's assertion says what
/// went wrong, so a slow machine makes a test slower, never red.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(20);

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? within = null, TimeSpan? every = null) =>
        TrueAsync(() => Task.FromResult(condition()), within, every);

    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultWithin);
        while (true)
        {
            if (await condition())
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(every ?? DefaultEvery);
        }
    }
}
