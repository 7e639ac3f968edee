using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Fills a stopped LiveCommunity's SQLite file in bulk (one transaction per table, prepared inserts), cloning
/// rows the server itself wrote (a user, a topic, a reply and its ReplyPosted event), so every column the
/// schema has today, or gains later, holds a value the server accepts when it reads the rows back.
/// </summary>
public sealed class GrowthFill(string connectionString)
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>SQLite's durability as a fresh connection of this library has it (the server's, unless it sets one).</summary>
    public string Synchronous()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) switch
        {
            0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var n => n.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Users "growth-user-{i}", cloned from an existing one.</summary>
    public void Users(int count)
    {
        Clone("Users", "1 = 1", count, (row, i) =>
        {
            row["Id"] = $"growth-user-{i}";
            row["Name"] = $"Reader {i}";
        });
    }

    /// <summary>A history of other topics: <paramref name="topics"/> topics of <paramref name="eventsEach"/> events each.</summary>
    public void History(string templateTopic, int topics, int eventsEach)
    {
        Clone("Topics", $"\"Id\" = '{templateTopic}'", topics, (row, t) =>
        {
            row["Id"] = $"growth-topic-{t}";
            row["LastSeq"] = (long)eventsEach;
            row["ReplyCount"] = 0L;
        });
        Clone("TopicEvents", $"\"TopicId\" = '{templateTopic}' AND \"Seq\" = 1", topics * eventsEach, (row, n) =>
        {
            row["TopicId"] = $"growth-topic-{n / eventsEach}";
            row["Seq"] = (long)(n % eventsEach) + 1;
        });
    }

    /// <summary>
    /// Replies <paramref name="from"/> (exclusive) to <paramref name="to"/> on one topic, by <paramref name="authors"/>
    /// (a tenth of them by the writers the scenario posts as), each with its ReplyPosted event; then the topic's seq.
    /// </summary>
    public void Replies(string topic, string templateReply, long firstSeq, int count, Func<int, string> author)
    {
        var templateData = Scalar<string>($"SELECT \"Data\" FROM \"TopicEvents\" WHERE \"ReplyId\" = '{templateReply}' AND \"Type\" = 'ReplyPosted'");
        var templateSeq = Scalar<long>($"SELECT \"Seq\" FROM \"Replies\" WHERE \"Id\" = '{templateReply}'");
        Clone("Replies", $"\"Id\" = '{templateReply}'", count, (row, i) =>
        {
            row["Id"] = $"gr-{firstSeq + i}";
            row["Seq"] = firstSeq + i;
            row["AuthorId"] = author(i);
            row["Body"] = $"Bulk reply {firstSeq + i}";
            row["BodyHash"] = (long)(firstSeq + i) * 7919;
            row["CreatedAt"] = (Epoch + TimeSpan.FromSeconds(firstSeq + i)).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        });
        Clone("TopicEvents", $"\"ReplyId\" = '{templateReply}' AND \"Type\" = 'ReplyPosted'", count, (row, i) =>
        {
            row["Seq"] = firstSeq + i;
            row["ReplyId"] = $"gr-{firstSeq + i}";
            row["Data"] = templateData.Replace(templateReply, $"gr-{firstSeq + i}", StringComparison.Ordinal)
                .Replace($"\"seq\":{templateSeq},", $"\"seq\":{firstSeq + i},", StringComparison.Ordinal);
        });
        Execute($"UPDATE \"Topics\" SET \"LastSeq\" = {firstSeq + count - 1}, \"ReplyCount\" = \"ReplyCount\" + {count} WHERE \"Id\" = '{topic}'");
    }

    public long ReplyCount(string topic) => Scalar<long>($"SELECT \"ReplyCount\" FROM \"Topics\" WHERE \"Id\" = '{topic}'");

    public long LastSeq(string topic) => Scalar<long>($"SELECT \"LastSeq\" FROM \"Topics\" WHERE \"Id\" = '{topic}'");

    // Reads one template row, then inserts `count` copies changed by `change`, in one transaction.
    private void Clone(string table, string where, int count, Action<Dictionary<string, object?>, int> change)
    {
        using var connection = Open();
        var template = new Dictionary<string, object?>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT * FROM \"{table}\" WHERE {where} LIMIT 1";
            using var reader = read.ExecuteReader();
            if (!reader.Read())
            {
                throw new InvalidOperationException($"no template row in {table} where {where}");
            }
            for (var c = 0; c < reader.FieldCount; c++)
            {
                template[reader.GetName(c)] = reader.IsDBNull(c) ? null : reader.GetValue(c);
            }
        }
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        var columns = template.Keys.ToList();
        insert.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        insert.Prepare();
        var row = new Dictionary<string, object?>(template);
        for (var n = 0; n < count; n++)
        {
            foreach (var column in columns)
            {
                row[column] = template[column];
            }
            change(row, n);
            for (var i = 0; i < columns.Count; i++)
            {
                parameters[i].Value = row[columns[i]] ?? DBNull.Value;
            }
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private T Scalar<T>(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
