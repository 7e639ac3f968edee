using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Reactions;

public static class ReactionsApi
{
    public static RouteGroupBuilder MapReactions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Reactions").RequireAuthorization().WithWriteLimit(WriteKind.Reaction)
            // Any route may find the database saturated: 503 with Retry-After (PROTOCOL.md v2), never 500.
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPut("/topics/{topicId}/reactions/{kind}", (string topicId, string kind, ClaimsPrincipal user, ReactionService reactions, CancellationToken ct) =>
            SetAsync(reactions, user, topicId, null, kind, true, ct))
            .WithProblems(400, 401, 403, 404, 429);
        group.MapDelete("/topics/{topicId}/reactions/{kind}", (string topicId, string kind, ClaimsPrincipal user, ReactionService reactions, CancellationToken ct) =>
            SetAsync(reactions, user, topicId, null, kind, false, ct))
            .WithProblems(400, 401, 403, 404, 429);
        group.MapPut("/replies/{replyId}/reactions/{kind}", (string replyId, string kind, ClaimsPrincipal user, ReactionService reactions, CancellationToken ct) =>
            SetAsync(reactions, user, null, replyId, kind, true, ct))
            .WithProblems(400, 401, 403, 404, 429);
        group.MapDelete("/replies/{replyId}/reactions/{kind}", (string replyId, string kind, ClaimsPrincipal user, ReactionService reactions, CancellationToken ct) =>
            SetAsync(reactions, user, null, replyId, kind, false, ct))
            .WithProblems(400, 401, 403, 404, 429);

        return group;
    }

    private static async Task<Results<Ok<ReactionsResult>, ProblemHttpResult>> SetAsync(
        ReactionService reactions, ClaimsPrincipal user, string? topicId, string? replyId, string kind, bool on, CancellationToken ct) =>
        (await reactions.SetAsync(Caller.From(user), topicId, replyId, kind, on, ct)).ToHttp(TypedResults.Ok);
}
