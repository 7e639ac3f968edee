using Spectre.Console;

namespace LiveCommunity.LoadTest;

/// <summary>A live status line while a phase runs: Spectre's spinner on a terminal, a line every 5 s in logs.</summary>
public static class Live
{
    public static async Task<T> RunAsync<T>(string title, Func<Task<T>> work, Func<string> status)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await AnsiConsole.Status().StartAsync(title, async ctx =>
            {
                using var cts = new CancellationTokenSource();
                var ticker = Task.Run(async () =>
                {
                    while (!cts.IsCancellationRequested)
                    {
                        ctx.Status($"{Markup.Escape(title)}: {Markup.Escape(status())}");
                        await Task.Delay(250, CancellationToken.None);
                    }
                }, CancellationToken.None);
                try
                {
                    return await work();
                }
                finally
                {
                    await cts.CancelAsync();
                    await ticker;
                }
            });
        }
        using var timer = new Timer(_ => Console.WriteLine($"  {title}: {status()}"), null, 5000, 5000);
        return await work();
    }

    public static void Say(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
}
