using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.ReadCache;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Replies;

public static class RepliesApi
{
    public static RouteGroupBuilder MapReplies(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Replies")
            // Any route may find the database saturated: 503 with Retry-After (PROTOCOL.md v2), never 500.
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/topics/{topicId}/replies", async Task<Results<ETagged<ReplyPage>, ProblemHttpResult>> (
                string topicId, int? limit, string? cursor, string? order, bool? featured, ClaimsPrincipal user, ReplyPages replies, CancellationToken ct) =>
            (await replies.ListAsync(Caller.From(user), topicId, order, limit, cursor, ct, featured == true)).ToHttp(page => new ETagged<ReplyPage>(page)))
            .CachedByTopicVersion()
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 404, 429);

        // 202 with status "pending" when the reply is held for review (PROTOCOL.md v2): nobody else sees it yet.
        group.MapPost("/topics/{topicId}/replies", async Task<Results<Created<Reply>, Accepted<Reply>, ProblemHttpResult>> (
                string topicId, NewReply input, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            await replies.PostAsync(Caller.From(user), topicId, input, ct) switch
            {
                { Rejection: { } rejection } => rejection.ToProblem(),
                { Value: { Status: ReplyMappings.PendingStatus } held } => TypedResults.Accepted($"/api/replies/{held.Id}", held),
                { Value: var reply } => TypedResults.Created($"/api/replies/{reply!.Id}", reply),
            })
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Reply)
            .WithProblems(400, 401, 403, 404, 409, 413, 429);

        group.MapPatch("/replies/{replyId}", async Task<Results<Ok<Reply>, ProblemHttpResult>> (
                string replyId, ReplyEdit input, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.EditAsync(Caller.From(user), replyId, input, ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 409, 413, 429);

        // ?erase=true (admins): a legal takedown; the text is deleted from storage and cannot come back.
        group.MapDelete("/replies/{replyId}", async Task<Results<NoContent, ProblemHttpResult>> (
                string replyId, string? reason, bool? erase, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (erase == true
                ? await replies.EraseAsync(Caller.From(user), replyId, reason, ct)
                : await replies.RemoveAsync(Caller.From(user), replyId, reason, ct)).ToHttp(_ => TypedResults.NoContent()))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 429);

        // The newsroom's picks (moderators, admins, journalists; the service says who, with why): PUT lifts, DELETE lowers.
        group.MapMethods("/replies/{replyId}/featured", [HttpMethods.Put, HttpMethods.Delete], async Task<Results<Ok<Reply>, ProblemHttpResult>> (
                string replyId, HttpRequest request, ClaimsPrincipal user, ReplyService replies, CancellationToken ct) =>
            (await replies.FeatureAsync(Caller.From(user), replyId, featured: HttpMethods.IsPut(request.Method), ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(401, 403, 404, 409, 429);

        return group;
    }
}
