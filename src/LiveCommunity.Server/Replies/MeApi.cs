using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Replies;

/// <summary>The signed-in reader's own things: GET /api/me and muting (PROTOCOL.md v3).</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/me").WithTags("Me").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("", async Task<Results<Ok<Account>, ProblemHttpResult>> (ClaimsPrincipal user, MuteService mutes, CancellationToken ct) =>
                (await mutes.MeAsync(Caller.From(user), ct)).ToHttp(TypedResults.Ok))
            .WithProblems(401);

        // PUT mutes, DELETE unmutes; both idempotent.
        group.MapMethods("/muted/{userId}", [HttpMethods.Put, HttpMethods.Delete], async Task<Results<NoContent, ProblemHttpResult>> (
                string userId, HttpRequest request, ClaimsPrincipal user, MuteService mutes, CancellationToken ct) =>
            (await mutes.SetAsync(Caller.From(user), userId, muted: HttpMethods.IsPut(request.Method), ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 409, 429);
        return group;
    }
}
