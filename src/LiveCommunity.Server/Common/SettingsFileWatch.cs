namespace LiveCommunity.Server.Common;

/// <summary>
/// How the host notices an edited appsettings file. By default it watches the whole content root, subdirectories
/// included, and on Linux every write anywhere below it wakes that watcher, which then looks the file up. The
/// embedded database lives there (data/), so each commit's WAL write cost a read of the change queue and a few
/// stat calls: 2.6 % of the server's CPU in the live-blog benchmark. Polling looks at the settings files alone,
/// every four seconds, and an edit still takes effect.
/// </summary>
public static class SettingsFileWatch
{
    public const string PollingVariable = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>
    /// Asks for polling before the builder creates the content root's file provider (which reads the variable),
    /// unless the operator has chosen either way.
    /// </summary>
    public static void PollUnlessChosen()
    {
        if (Environment.GetEnvironmentVariable(PollingVariable) is null)
        {
            Environment.SetEnvironmentVariable(PollingVariable, "true");
        }
    }
}
