using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>One statement EF sent to a test database, with copies of its parameters, to be explained later.</summary>
public sealed record CapturedStatement(string Sql, IReadOnlyList<DbParameter> Parameters);

/// <summary>
/// Records every single statement EF Core sends to one test database (through EF's DiagnosticListener, so
/// compiled and raw-SQL queries are seen too, and other test hosts running at the same time are not), and
/// asks that database how it would run each one: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN with
/// sequential scans switched off, so a plan shows a scan only where no index can serve the query at all.
/// </summary>
public sealed partial class QueryPlans : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly TestDatabase _database;
    private readonly string _token;
    private readonly List<CapturedStatement> _statements = [];
    private readonly List<IDisposable> _subscriptions = [];

    public QueryPlans(TestDatabase database)
    {
        _database = database;
        _token = database.Provider == "Postgres"
            ? new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!
            : new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public bool IsPostgres => _database.Provider == "Postgres";

    public IReadOnlyList<CapturedStatement> Statements
    {
        get
        {
            lock (_statements)
            {
                return [.. _statements];
            }
        }
    }

    /// <summary>The plan's lines: SQLite's "detail" column, or PostgreSQL's EXPLAIN text.</summary>
    public async Task<IReadOnlyList<string>> ExplainAsync(CapturedStatement statement)
    {
        await using DbConnection connection = IsPostgres
            ? new NpgsqlConnection(_database.ConnectionString)
            : new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        if (IsPostgres)
        {
            await using var off = connection.CreateCommand();
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }
        await using var command = connection.CreateCommand();
        command.CommandText = (IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + statement.Sql;
        command.Parameters.AddRange(statement.Parameters.Select(Copy).ToArray());
        var lines = new List<string>();
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync();
        }
        catch (DbException e)
        {
            throw new InvalidOperationException($"cannot explain: {statement.Sql}", e);
        }
        await using var _ = reader;
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(IsPostgres ? 0 : 3));
        }
        return lines;
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != RelationalEventId.CommandExecuting.Name || value.Value is not CommandEventData { Command: var command }
            || command.Connection?.ConnectionString.Contains(_token, StringComparison.Ordinal) != true)
        {
            return;
        }
        var sql = command.CommandText.Trim().TrimEnd(';');
        // Only one statement per command can be explained; EF's multi-statement saves are inserts by key.
        if (sql.Contains(';', StringComparison.Ordinal) || !FirstWord().IsMatch(sql))
        {
            return;
        }
        lock (_statements)
        {
            _statements.Add(new CapturedStatement(sql, [.. command.Parameters.Cast<DbParameter>().Select(Copy)]));
        }
    }

    private static DbParameter Copy(DbParameter parameter) => parameter switch
    {
        NpgsqlParameter npgsql => npgsql.Clone(),
        SqliteParameter sqlite => new SqliteParameter(sqlite.ParameterName, sqlite.Value) { SqliteType = sqlite.SqliteType, Size = sqlite.Size },
        _ => throw new NotSupportedException(parameter.GetType().Name),
    };

    [GeneratedRegex(@"^(SELECT|WITH|UPDATE|DELETE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FirstWord();

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }
    }
}
