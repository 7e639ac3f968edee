using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Topics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Moderation;

/// <summary>Moderator-only routes (PROTOCOL.md "Moderation"). Removal itself is DELETE /api/replies/{id}, shared with authors.</summary>
public static class ModerationApi
{
    public static RouteGroupBuilder MapModeration(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Moderation").RequireAuthorization(AuthExtensions.ModeratorPolicy)
            // Any route may find the database saturated: 503 with Retry-After (PROTOCOL.md v2), never 500.
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/replies/{replyId}/restore", async Task<Results<Ok<Reply>, ProblemHttpResult>> (
                string replyId, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.RestoreAsync(Caller.From(user)!, replyId, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401, 403, 404);

        group.MapPut("/topics/{topicId}/lock", async Task<Results<Ok<Topic>, ProblemHttpResult>> (
                string topicId, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.SetFlagAsync(Caller.From(user)!, topicId, TopicFlag.Locked, true, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401, 403, 404);

        group.MapDelete("/topics/{topicId}/lock", async Task<Results<Ok<Topic>, ProblemHttpResult>> (
                string topicId, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.SetFlagAsync(Caller.From(user)!, topicId, TopicFlag.Locked, false, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401, 403, 404);

        group.MapPut("/users/{userId}/ban", async Task<Results<NoContent, ProblemHttpResult>> (
                string userId, BanRequest? request, ClaimsPrincipal user, ModerationService moderation, CancellationToken ct) =>
            (await moderation.BanAsync(Caller.From(user)!, userId, request ?? new BanRequest(null, false), ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithProblems(400, 401, 403);

        group.MapDelete("/users/{userId}/ban", async Task<Results<NoContent, ProblemHttpResult>> (
                string userId, ClaimsPrincipal user, ModerationService moderation, CancellationToken ct) =>
            (await moderation.UnbanAsync(Caller.From(user)!, userId, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithProblems(400, 401, 403, 404);

        group.MapGet("/moderation/log", async Task<Results<Ok<Page<ModerationEntry>>, ProblemHttpResult>> (
                int? limit, string? cursor, ModerationService moderation, CancellationToken ct) =>
            (await moderation.LogAsync(limit, cursor, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(400, 401, 403);

        group.MapPut("/topics/{topicId}/premoderation", async Task<Results<Ok<Topic>, ProblemHttpResult>> (
                string topicId, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.SetFlagAsync(Caller.From(user)!, topicId, TopicFlag.Premoderated, true, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401, 403, 404);

        group.MapDelete("/topics/{topicId}/premoderation", async Task<Results<Ok<Topic>, ProblemHttpResult>> (
                string topicId, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.SetFlagAsync(Caller.From(user)!, topicId, TopicFlag.Premoderated, false, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401, 403, 404);

        group.MapGet("/moderation/queue", async Task<Results<Ok<QueuePage>, ProblemHttpResult>> (
                string? state, string? topicId, int? limit, string? cursor, ClaimsPrincipal user, ModerationQueue queue, CancellationToken ct) =>
            (await queue.ListAsync(Caller.From(user)!, state, topicId, limit, cursor, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(400, 401, 403);

        group.MapPost("/moderation/queue/{replyId}/approve", async Task<Results<Ok<Reply>, ProblemHttpResult>> (
                string replyId, ApproveRequest? request, ClaimsPrincipal user, ModerationQueue queue, CancellationToken ct) =>
            (await queue.ApproveAsync(Caller.From(user)!, replyId, request, ct)).ToHttp(TypedResults.Ok))
            .WithProblems(400, 401, 403, 404, 409);

        group.MapPost("/moderation/queue/{replyId}/reject", async Task<Results<NoContent, ProblemHttpResult>> (
                string replyId, RejectRequest? request, ClaimsPrincipal user, ModerationQueue queue, CancellationToken ct) =>
            (await queue.RejectAsync(Caller.From(user)!, replyId, request, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithProblems(400, 401, 403, 404, 409);

        // Erasure of everything a user wrote: admins only (moderators get 403).
        routes.MapDelete("/api/users/{userId}/content", async Task<Results<NoContent, ProblemHttpResult>> (
                string userId, string? reason, ClaimsPrincipal user, ModerationService moderation, CancellationToken ct) =>
            (await moderation.EraseContentAsync(Caller.From(user)!, userId, reason, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithTags("Moderation")
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithProblems(400, 401, 403);

        return group;
    }

    /// <summary>Reader reports: any signed-in reader, limited per user like other writes.</summary>
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Moderation").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/replies/{replyId}/reports", async Task<Results<Ok<ReportResult>, ProblemHttpResult>> (
                string replyId, ReportRequest? request, ClaimsPrincipal user, ModerationQueue queue, CancellationToken ct) =>
            (await queue.ReportAsync(Caller.From(user), replyId, request, ct)).ToHttp(TypedResults.Ok))
            .WithWriteLimit(WriteKind.Report)
            .WithProblems(400, 401, 403, 404, 409, 429);

        return group;
    }
}
