using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Replies;

public static class RepliesApi
{
    public static RouteGroupBuilder MapReplies(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Replies")
            // Any route may find the database saturated: 503 with Retry-After (PROTOCOL.md v2), never 500.
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/topics/{topicId}/replies", async Task<Results<Ok<ReplyPage>, ProblemHttpResult>> (
                string topicId, int? limit, string? cursor, string? order, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.ListAsync(Caller.From(user), topicId, order, limit, cursor, ct)).ToHttp(TypedResults.Ok))
            .RequireRateLimiting(SafetyExtensions.ReadsPolicy)
            .WithProblems(400, 404, 429);

        group.MapPost("/topics/{topicId}/replies", async Task<Results<Created<Reply>, ProblemHttpResult>> (
                string topicId, NewReply input, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.PostAsync(Caller.From(user), topicId, input, ct)).ToHttp(r => TypedResults.Created($"/api/replies/{r.Id}", r)))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Reply)
            .WithProblems(400, 401, 403, 404, 409, 413, 429);

        group.MapPatch("/replies/{replyId}", async Task<Results<Ok<Reply>, ProblemHttpResult>> (
                string replyId, ReplyEdit input, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.EditAsync(Caller.From(user), replyId, input, ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 409, 413, 429);

        group.MapDelete("/replies/{replyId}", async Task<Results<NoContent, ProblemHttpResult>> (
                string replyId, string? reason, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.RemoveAsync(Caller.From(user), replyId, reason, ct)).ToHttp(_ => TypedResults.NoContent()))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 429);

        return group;
    }
}
