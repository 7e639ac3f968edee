using System.Diagnostics;
using System.Globalization;

namespace LiveCommunity.LoadTest;

/// <summary>
/// Redis and PostgreSQL figures of the local cluster, read with their own command-line clients (redis-cli, psql),
/// which come with the servers scripts/cluster.sh runs. A missing tool gives empty figures and a note, not an error.
/// </summary>
public sealed class ClusterProbes(int redisPort, int pgPort)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>INFO of the given sections as key → value; command statistics as cmdstat_NAME → calls.</summary>
    public async Task<Dictionary<string, double>> RedisInfoAsync(params string[] sections)
    {
        var info = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await Redis(["INFO", .. sections])).Split('\n'))
        {
            var parts = line.Trim().Split(':', 2);
            if (parts.Length != 2)
            {
                continue;
            }
            if (parts[0].StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                // cmdstat_publish:calls=12,usec=34,…
                var calls = parts[1].Split(',').FirstOrDefault(p => p.StartsWith("calls=", StringComparison.Ordinal));
                if (calls is not null && double.TryParse(calls[6..], Inv, out var n))
                {
                    info[parts[0]] = n;
                }
            }
            else if (double.TryParse(parts[1], NumberStyles.Float, Inv, out var value))
            {
                info[parts[0]] = value;
            }
        }
        return info;
    }

    /// <summary>Active pub/sub channels matching a glob pattern (PUBSUB CHANNELS).</summary>
    public async Task<List<string>> RedisChannelsAsync(string pattern) =>
        [.. (await Redis(["PUBSUB", "CHANNELS", pattern])).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Subscribers per channel (PUBSUB NUMSUB), for up to a few hundred channels at a time.</summary>
    public async Task<Dictionary<string, long>> RedisNumSubAsync(IReadOnlyList<string> channels)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in channels.Chunk(200))
        {
            var lines = (await Redis(["PUBSUB", "NUMSUB", .. chunk])).Split('\n', StringSplitOptions.TrimEntries);
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                if (long.TryParse(lines[i + 1], Inv, out var n))
                {
                    result[lines[i]] = n;
                }
            }
        }
        return result;
    }

    /// <summary>pg_stat_database of the livecommunity database: commits, rollbacks and rows written so far.</summary>
    public async Task<Dictionary<string, double>> PgStatsAsync()
    {
        const string Sql = "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = 'livecommunity'";
        var text = await Run("psql", ["-h", "127.0.0.1", "-p", pgPort.ToString(Inv), "-U", "postgres", "-d", "postgres", "-tAF,", "-c", Sql]);
        var values = text.Trim().Split(',');
        var names = new[] { "xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted" };
        var stats = new Dictionary<string, double>(StringComparer.Ordinal);
        if (values.Length == names.Length)
        {
            for (var i = 0; i < names.Length; i++)
            {
                stats[names[i]] = double.Parse(values[i], Inv);
            }
        }
        return stats;
    }

    private Task<string> Redis(string[] args) => Run("redis-cli", ["-h", "127.0.0.1", "-p", redisPort.ToString(Inv), .. args]);

    private static async Task<string> Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        try
        {
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return await output;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return "";
        }
    }
}
