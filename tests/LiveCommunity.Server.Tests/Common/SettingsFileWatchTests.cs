using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;

namespace LiveCommunity.Server.Tests.Common;

/// <summary>
/// The settings files are polled, not watched through the whole content root: the embedded database lives below
/// it, and a watcher there woke up for every commit. An edit still takes effect.
/// </summary>
public sealed class SettingsFileWatchTests
{
    [Fact]
    public void TheServersSettingsFilesArePolled()
    {
        using var factory = new AppFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var jsonSources = configuration.Providers.OfType<JsonConfigurationProvider>().Select(p => p.Source).ToList();

        Assert.Contains(jsonSources, s => s.Path == "appsettings.json");
        Assert.All(jsonSources, source =>
        {
            Assert.True(source.ReloadOnChange, $"{source.Path} is still reloaded when edited");
            // A watcher's token is a cancellation token fired by the directory watcher; polling adds its own.
            var token = source.FileProvider!.Watch(source.Path!);
            var tokens = Assert.IsType<CompositeChangeToken>(token).ChangeTokens;
            Assert.Contains(tokens, t => t is PollingFileChangeToken { ActiveChangeCallbacks: true });
        });
    }

    [Fact]
    public async Task AnEditedSettingsFileIsStillReloaded()
    {
        using (var factory = new AppFactory())
        {
            _ = factory.Services; // Program.cs has run in this process: file providers made from now on poll
        }
        var folder = Directory.CreateTempSubdirectory("lc-settings-");
        try
        {
            var file = Path.Combine(folder.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, """{ "Limits": { "RepliesPerWindow": "5" } }""");
            using var files = new PhysicalFileProvider(folder.FullName);
            var configuration = new ConfigurationBuilder().AddJsonFile(files, "appsettings.json", optional: false, reloadOnChange: true).Build();
            Assert.Equal("5", configuration["Limits:RepliesPerWindow"]);

            var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => reloaded.TrySetResult());
            await File.WriteAllTextAsync(file, """{ "Limits": { "RepliesPerWindow": "7" } }""");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5)); // a new time even on a coarse clock

            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("7", configuration["Limits:RepliesPerWindow"]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
