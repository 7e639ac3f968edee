using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace LiveCommunity.Server.Webhooks;

public static class WebhooksApi
{
    /// <summary>The named HttpClient deliveries use.</summary>
    public const string Client = "webhooks";

    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhooksOptions>().BindConfiguration("Webhooks")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Webhooks:MaxAttempts must be 1 to 100")
            .Validate(o => o.RetrySchedule.All(d => d > TimeSpan.Zero), "Webhooks:RetrySchedule must list positive delays")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.LeaseDuration > o.PollInterval * 3,
                "Webhooks:Timeout and PollInterval must be positive, LeaseDuration more than three PollIntervals")
            .Validate(o => o.MaxInFlightPerWebhook >= 1 && o.MaxWebhooks >= 1, "Webhooks:MaxInFlightPerWebhook and MaxWebhooks must be at least 1")
            .ValidateOnStart();
        builder.Services.AddScoped<WebhookService>();
        builder.Services.AddSingleton<WebhookLease>();
        builder.Services.AddHostedService<WebhookDispatcher>();

        // Timeouts and quick retries of one attempt come from the resilience pipeline; the durable schedule
        // (Webhooks:RetrySchedule, across restarts) is the dispatcher's.
        builder.Services.AddHttpClient(Client)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var options = services.GetRequiredService<IOptionsMonitor<WebhooksOptions>>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false, // a redirect could lead anywhere, a private address included
                    UseCookies = false,
                    ConnectCallback = NetworkGuard.ConnectCallback(() => options.CurrentValue.AllowPrivateNetworks),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                };
            })
            .AddResilienceHandler("webhook", (pipeline, context) =>
            {
                var timeout = context.ServiceProvider.GetRequiredService<IOptions<WebhooksOptions>>().Value.Timeout;
                pipeline.AddTimeout(timeout * 2);
                // One quick retry when the connection failed or timed out; an answer (a 500 included) is the
                // attempt's result, logged, and retried on the durable schedule.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 1,
                    Delay = TimeSpan.FromMilliseconds(200),
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutRejectedException),
                });
                pipeline.AddTimeout(timeout);
            });
        return builder;
    }

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/", async Task<Results<Created<RegisteredWebhook>, ProblemHttpResult>> (NewWebhook input, ClaimsPrincipal user, WebhookService hooks, CancellationToken ct) =>
                (await hooks.RegisterAsync(Caller.From(user)!, input, ct)).ToHttp(h => TypedResults.Created($"/api/webhooks/{h.Id}", h)))
            .WithProblems(400, 401, 403, 409);

        group.MapGet("/", async Task<Results<Ok<WebhookList>, ProblemHttpResult>> (ClaimsPrincipal user, WebhookService hooks, CancellationToken ct) =>
                WebhookService.MayRead(Caller.From(user))
                    ? TypedResults.Ok(await hooks.ListAsync(ct))
                    : Rejection.Forbidden("only admins and publishers read webhooks").ToProblem())
            .WithProblems(401, 403);

        group.MapDelete("/{webhookId}", async Task<Results<NoContent, ProblemHttpResult>> (string webhookId, ClaimsPrincipal user, WebhookService hooks, CancellationToken ct) =>
                Caller.From(user)?.Role != Roles.Admin
                    ? Rejection.Forbidden("only admins remove webhooks").ToProblem()
                    : (await hooks.DeleteAsync(webhookId, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithProblems(401, 403, 404);

        group.MapGet("/{webhookId}/deliveries", async Task<Results<Ok<WebhookAttempts>, ProblemHttpResult>> (string webhookId, int? limit, ClaimsPrincipal user, WebhookService hooks, CancellationToken ct) =>
                WebhookService.MayRead(Caller.From(user))
                    ? (await hooks.AttemptsAsync(webhookId, limit, ct)).ToHttp(TypedResults.Ok)
                    : Rejection.Forbidden("only admins and publishers read webhook deliveries").ToProblem())
            .WithProblems(400, 401, 403, 404);

        return group;
    }
}
