using System.Collections.Concurrent;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LiveCommunity.Server.Realtime;

/// <summary>
/// One transaction of a visible change (DESIGN.md "Shape"): the rows, the topic's next seq and the event
/// log entry commit together or not at all. Disposing without <see cref="CommitAsync"/> rolls back, so an
/// early return on a rejected command leaves no trace and no gap in the seq.
/// </summary>
public sealed class TopicWrite : IAsyncDisposable
{
    // SQLite has one writer at a time. Waiting for it inside SQLite means a thread sleeping in its busy
    // handler (its async API is synchronous underneath), which starves the thread pool on small machines;
    // waiting here is an await. One gate per database file; PostgreSQL needs none (row locks per topic).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> SqliteGates = new(StringComparer.Ordinal);

    private readonly CommunityDb _db;
    private readonly IDbContextTransaction _transaction;
    private readonly SemaphoreSlim? _gate;
    private readonly DateTime _now;
    private readonly List<TopicEvent> _events = [];

    private TopicWrite(CommunityDb db, IDbContextTransaction transaction, SemaphoreSlim? gate, DateTime now) =>
        (_db, _transaction, _gate, _now) = (db, transaction, gate, now);

    /// <summary>The events appended so far, to publish once <see cref="CommitAsync"/> returns.</summary>
    public IReadOnlyList<TopicEvent> Events => _events;

    public DateTime Now => _now;

    /// <summary>Stopwatch timestamp of the commit, for the commit-to-publish metric.</summary>
    public long CommittedAt { get; private set; }

    public static async Task<TopicWrite> BeginAsync(CommunityDb db, TimeProvider time, CancellationToken ct)
    {
        SemaphoreSlim? gate = null;
        if (db.Database.IsSqlite())
        {
            gate = SqliteGates.GetOrAdd(db.Database.GetConnectionString() ?? "", static _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(ct);
        }
        try
        {
            // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE, so writers queue on the database lock up front.
            var transaction = await db.Database.BeginTransactionAsync(ct);
            // Whole microseconds: PostgreSQL keeps no finer, and what a write returns must equal what a read returns.
            var now = time.GetUtcNow().UtcDateTime;
            return new TopicWrite(db, transaction, gate, now.AddTicks(-(now.Ticks % 10)));
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>
    /// Records the writer (id, name and role as its token says) and refuses a banned one. Done inside the
    /// write so a ban that commits first always wins.
    /// </summary>
    public async Task<Rejection?> CheckWriterAsync(Caller caller, CancellationToken ct)
    {
        var banned = await _db.Database.SqlQuery<bool>($"""
            INSERT INTO "Users" ("Id", "Name", "Role", "Banned", "UpdatedAt")
            VALUES ({caller.Id}, {caller.Name}, {caller.Role}, {false}, {_now})
            ON CONFLICT ("Id") DO UPDATE SET "Name" = excluded."Name", "Role" = excluded."Role", "UpdatedAt" = excluded."UpdatedAt"
            RETURNING "Banned" AS "Value"
            """).ToListAsync(ct);
        return banned.Count > 0 && banned[0]
            ? Rejection.Forbidden("you are banned from posting and reacting")
            : null;
    }

    /// <summary>
    /// Takes the topic's next seq with <c>UPDATE … RETURNING</c>: on PostgreSQL the row lock it takes
    /// serializes writers of one topic until commit, which keeps seq gap-free across instances.
    /// Null when the topic does not exist.
    /// </summary>
    public async Task<TopicSeq?> NextSeqAsync(string topicId, int replyCountDelta, CancellationToken ct)
    {
        var rows = await _db.Database.SqlQuery<TopicSeq>($"""
            UPDATE "Topics" SET "LastSeq" = "LastSeq" + 1, "ReplyCount" = "ReplyCount" + {replyCountDelta}
            WHERE "Id" = {topicId}
            RETURNING "LastSeq" AS "Seq", "Locked"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public void Append(TopicEvent evt)
    {
        _db.TopicEvents.Add(EventLog.ToEntity(evt, _now));
        _events.Add(evt);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await _db.SaveChangesAsync(ct);
        await _transaction.CommitAsync(ct);
        CommittedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            _gate?.Release();
        }
    }
}

public sealed class TopicSeq
{
    public long Seq { get; set; }
    public bool Locked { get; set; }
}
