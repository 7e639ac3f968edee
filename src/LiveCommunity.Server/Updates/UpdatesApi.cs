using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.ReadCache;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Updates;

/// <summary>The live blog's REST routes (PROTOCOL.md v3 "Live updates from the newsroom").</summary>
public static class UpdatesApi
{
    public static RouteGroupBuilder MapUpdates(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Updates")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Anyone; anonymous pages are cached per topic version like reply pages.
        group.MapGet("/topics/{topicId}/updates", async Task<Results<ETagged<UpdatePage>, ProblemHttpResult>> (
                string topicId, int? limit, string? cursor, bool? keyEvents, UpdateService updates, CancellationToken ct) =>
            (await updates.ListAsync(topicId, limit, cursor, keyEvents == true, ct)).ToHttp(page => new ETagged<UpdatePage>(page)))
            .CachedByTopicVersion()
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 404, 429);

        group.MapPost("/topics/{topicId}/updates", async Task<Results<Created<Update>, ProblemHttpResult>> (
                string topicId, NewUpdate input, ClaimsPrincipal user, UpdateService updates, CancellationToken ct) =>
            (await updates.PostAsync(Caller.From(user), topicId, input, ct)).ToHttp(update => TypedResults.Created($"/api/updates/{update.Id}", update)))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Reply)
            .WithProblems(400, 401, 403, 404, 409, 413, 429);

        group.MapPatch("/updates/{updateId}", async Task<Results<Ok<Update>, ProblemHttpResult>> (
                string updateId, UpdateEdit input, ClaimsPrincipal user, UpdateService updates, CancellationToken ct) =>
            (await updates.EditAsync(Caller.From(user), updateId, input, ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 413, 429);

        group.MapDelete("/updates/{updateId}", async Task<Results<NoContent, ProblemHttpResult>> (
                string updateId, ClaimsPrincipal user, UpdateService updates, CancellationToken ct) =>
            (await updates.RemoveAsync(Caller.From(user), updateId, ct)).ToHttp(_ => TypedResults.NoContent()))
            .RequireAuthorization()
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(401, 403, 404, 429);

        return group;
    }
}
