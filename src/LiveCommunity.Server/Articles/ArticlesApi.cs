using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Articles;

public sealed record ResolveRequest(string? Token);

public static class ArticlesApi
{
    public static WebApplicationBuilder AddArticles(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClosingOptions>().BindConfiguration("Topics")
            .Validate(o => o.CloseAfter is null || o.CloseAfter > TimeSpan.Zero, "Topics:CloseAfter must be positive when set")
            .Validate(o => o.CloseSweepEvery > TimeSpan.Zero && o.CloseSweepEvery <= TimeSpan.FromSeconds(10),
                "Topics:CloseSweepEvery must be positive and at most 10 s (watchers hear of a closing within it)")
            .ValidateOnStart();
        builder.Services.AddScoped<ArticleService>();
        builder.Services.AddSingleton<ArticleTokens>();
        builder.Services.AddSingleton<ArticleCounts>();
        builder.Services.AddHostedService<CloseSweep>();
        return builder;
    }

    public static RouteGroupBuilder MapArticles(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/articles").WithTags("Articles")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/counts", async Task<Results<Ok<ArticleCountsResult>, ProblemHttpResult>> (string? ids, HttpContext http, ArticleCounts counts, CommunityDb db, CancellationToken ct) =>
            {
                var parsed = ArticleCounts.Parse(ids);
                if (parsed.Value is not { } list)
                {
                    return parsed.Rejection!.ToProblem();
                }
                var result = await counts.ForAsync(db, list, ct);
                http.Response.Headers.CacheControl = $"public, max-age={(int)ArticleCounts.MaxAge.TotalSeconds}";
                return TypedResults.Ok(result);
            })
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 429);

        group.MapPost("/resolve", async Task<Results<Created<Topic>, Ok<Topic>, ProblemHttpResult>> (ResolveRequest? request, ArticleService articles, CancellationToken ct) =>
            {
                var resolved = await articles.ResolveAsync(request?.Token, ct);
                return resolved.Value is not { } result
                    ? resolved.Rejection!.ToProblem()
                    : result.Created ? TypedResults.Created(Location(result.Topic), result.Topic) : TypedResults.Ok(result.Topic);
            })
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 401, 429);

        // Article ids may hold "/": the catch-all takes them whole, escaped ("%2F") or not.
        group.MapGet("/{**articleId}", async Task<Results<Ok<Topic>, ProblemHttpResult>> (string articleId, ClaimsPrincipal user, ArticleService articles, CancellationToken ct) =>
                (await articles.GetAsync(Caller.From(user), Unescape(articleId), ct)).ToHttp(TypedResults.Ok))
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 404, 429);

        group.MapPut("/{**articleId}", async Task<Results<Created<Topic>, Ok<Topic>, ProblemHttpResult>> (string articleId, ArticleInput input, ClaimsPrincipal user, ArticleService articles, CancellationToken ct) =>
            {
                var written = await articles.UpsertAsync(Caller.From(user)!, Unescape(articleId), input, ct);
                return written.Value is not { } result
                    ? written.Rejection!.ToProblem()
                    : result.Created ? TypedResults.Created(Location(result.Topic), result.Topic) : TypedResults.Ok(result.Topic);
            })
            .RequireAuthorization()
            .WithProblems(400, 401, 403, 413);

        return group;
    }

    private static string Location(Topic topic) => $"/api/articles/{Uri.EscapeDataString(topic.ArticleId!)}";

    private static string Unescape(string articleId) => articleId.Contains('%') ? Uri.UnescapeDataString(articleId) : articleId;
}
