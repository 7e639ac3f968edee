using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.ReadCache;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Topics;

public static class TopicsApi
{
    public static RouteGroupBuilder MapTopics(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/topics").WithTags("Topics")
            // Any route may find the database saturated: 503 with Retry-After (PROTOCOL.md v2), never 500.
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", async Task<Results<ETagged<Page<Topic>>, ProblemHttpResult>> (int? limit, string? cursor, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.ListAsync(Caller.From(user), limit, cursor, ct)).ToHttp(page => new ETagged<Page<Topic>>(page)))
            .CachedByTopicVersion()
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 429);

        group.MapGet("/{topicId}", async Task<Results<ETagged<Topic>, ProblemHttpResult>> (string topicId, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.GetAsync(Caller.From(user), topicId, ct)).ToHttp(topic => new ETagged<Topic>(topic)))
            .CachedByTopicVersion()
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(404, 429);

        group.MapPost("/", async Task<Results<Created<Topic>, ProblemHttpResult>> (NewTopic input, ClaimsPrincipal user, TopicService topics, CancellationToken ct) =>
            (await topics.CreateAsync(Caller.From(user)!, input, ct)).ToHttp(t => TypedResults.Created($"/api/topics/{t.Id}", t)))
            .RequireAuthorization(AuthExtensions.ModeratorPolicy)
            .WithProblems(400, 401, 403, 413);

        return group;
    }
}
