using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Notifications;

/// <summary>GET /api/me/notifications and POST /api/me/notifications/read (PROTOCOL.md v3 "Notifications").</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotifications(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/me/notifications").WithTags("Me").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("", async Task<Results<Ok<NotificationPage>, ProblemHttpResult>> (
                int? limit, string? cursor, ClaimsPrincipal user, NotificationService notifications, CancellationToken ct) =>
            (await notifications.ListAsync(Caller.From(user), limit, cursor, ct)).ToHttp(TypedResults.Ok))
            .RequireRateLimiting(RateLimitPolicies.Reads)
            .WithProblems(400, 401, 403, 429);

        // No body, or {}: all. {upTo}: those up to and including that one.
        group.MapPost("/read", async Task<Results<Ok<UnreadCount>, ProblemHttpResult>> (
                MarkRead? input, ClaimsPrincipal user, NotificationService notifications, CancellationToken ct) =>
            (await notifications.MarkReadAsync(Caller.From(user), input, ct)).ToHttp(TypedResults.Ok))
            .WithWriteLimit(WriteKind.Change)
            .WithProblems(400, 401, 403, 404, 429);
        return group;
    }
}
