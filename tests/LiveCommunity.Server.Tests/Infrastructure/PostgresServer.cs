using Npgsql;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server: initdb into a temporary folder, a free loopback port, trust auth, no fsync.
/// PostgreSQL refuses to run as root, so under root it runs as the <c>postgres</c> user. <see cref="Shared"/>
/// is started on first use by the test run itself and stopped when the test process exits.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> LazyShared = new(() =>
    {
        var server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private readonly string _folder;
    private readonly string _bin;
    private bool _stopped;

    private PostgresServer(string folder, string bin, int port) => (_folder, _bin, Port) = (folder, bin, port);

    public static PostgresServer Shared => LazyShared.Value;

    public int Port { get; }

    private string DataDir => Path.Combine(_folder, "data");

    /// <summary>Connection string to the server's maintenance database as the superuser.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", MaxPoolSize = 40,
    }.ConnectionString;

    public static PostgresServer Start()
    {
        var bin = Path.GetDirectoryName(LocalProcess.Require("PostgreSQL (initdb)",
            [.. Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", "initdb"))
                : [], "/usr/bin/initdb"]))!;
        RemoveStaleFolders();
        var folder = Path.Combine(Path.GetTempPath(), "lc-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        if (LocalProcess.IsRoot)
        {
            LocalProcess.Run("chown", "postgres:postgres", folder);
        }
        var server = new PostgresServer(folder, bin, LocalProcess.FreePort());
        server.PgRun("initdb", "-D", server.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        server.PgRun("pg_ctl", "-D", server.DataDir, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
            $"-p {server.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
            "start");
        return server;
    }

    // The exit handler may be cut short before the folder is gone; stopped servers' folders are removed next time.
    private static void RemoveStaleFolders()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "lc-pg-*"))
        {
            if (!File.Exists(Path.Combine(stale, "data", "postmaster.pid")) && Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddMinutes(-10))
            {
                try
                {
                    Directory.Delete(stale, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // someone else's, or in use: leave it
                }
            }
        }
    }

    private string PgRun(string tool, params string[] args) =>
        LocalProcess.IsRoot
            ? LocalProcess.Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : LocalProcess.Run(Path.Combine(_bin, tool), args);

    /// <summary>
    /// Stops the server and deletes its folder from a shell of their own: when this runs at process exit the test
    /// host may be killed any moment, and the shell finishes the job regardless.
    /// </summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        var stop = $"'{Path.Combine(_bin, "pg_ctl")}' -D '{DataDir}' -m immediate -w stop >/dev/null 2>&1";
        if (LocalProcess.IsRoot)
        {
            stop = $"runuser -u postgres -- {stop}";
        }
        using var cleanup = System.Diagnostics.Process.Start("/bin/sh", ["-c", $"{stop}; rm -rf '{_folder}'"]);
        cleanup.WaitForExit(30_000);
    }
}
