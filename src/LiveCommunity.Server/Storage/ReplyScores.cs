using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// Keeps stored reply scores (?order=top) true to the configured weights: every reaction batch recomputes the
/// scores it touches, and at start, when the weights differ from those the stored scores were computed with
/// (their fingerprint is kept in ServerSettings), every score is recomputed from the counts in one statement.
/// The first start after the migration that added scores is such a start: it is the backfill.
/// </summary>
public sealed class ReplyScores(IOptions<ReactionsOptions> options)
{
    private const string FingerprintKey = "ReactionScoreWeights";

    /// <summary>The weights in a stable spelling: "insightful=2,like=1".</summary>
    public string Fingerprint => string.Join(',',
        options.Value.Kinds.Order(StringComparer.Ordinal).Select(k => $"{k}={options.Value.Weight(k)}"));

    /// <summary>Recomputes every score when the weights changed since the last recompute; returns whether it did.</summary>
    public async Task<bool> RefreshAsync(CommunityDb db, CancellationToken ct = default)
    {
        var fingerprint = Fingerprint;
        var stored = await db.ServerSettings.AsNoTracking()
            .Where(s => s.Key == FingerprintKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (stored == fingerprint)
        {
            return false;
        }
        var weighted = options.Value.Kinds.Where(k => options.Value.Weight(k) != 0).ToList();
        var parameters = new List<object>();
        var cases = string.Concat(weighted.Select(kind =>
        {
            parameters.Add(kind);
            parameters.Add(options.Value.Weight(kind));
            return $" WHEN {{{parameters.Count - 2}}} THEN {{{parameters.Count - 1}}}";
        }));
        var score = weighted.Count == 0
            ? "0"
            : $"""COALESCE((SELECT SUM(CASE c."Kind"{cases} ELSE 0 END * c."Count") FROM "ReactionCounts" c WHERE c."TargetId" = "Replies"."Id"), 0)""";
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // ScoreSeq moves too, so a top-order walk under way leaves the recomputed replies out rather than repeat one.
        // Only parameter placeholders and the fixed CASE are spliced in: kinds and weights travel as parameters.
        var recompute = $$"""
            UPDATE "Replies" SET "Score" = {{score}},
                "ScoreSeq" = (SELECT t."LastSeq" + 1 FROM "Topics" t WHERE t."Id" = "Replies"."TopicId")
            """;
        await db.Database.ExecuteSqlRawAsync(recompute, parameters, ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "ServerSettings" ("Key", "Value") VALUES ({FingerprintKey}, {fingerprint})
            ON CONFLICT ("Key") DO UPDATE SET "Value" = excluded."Value"
            """, ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
