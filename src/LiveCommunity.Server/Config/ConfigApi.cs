using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Config;

public static class ConfigApi
{
    /// <summary>
    /// <c>GET /api/config</c>: public, no token, no database. Clients read it instead of probing (a probe of
    /// /api/dev/token fails on every page load where dev tokens are off) and enforce the server's own limits.
    /// </summary>
    public static RouteHandlerBuilder MapClientConfig(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/config", Get).WithTags("Config");

    private static Ok<ClientConfig> Get(
        HttpContext http, IOptions<LimitsOptions> limits, IOptions<ReactionsOptions> reactions, IOptions<AuthOptions> auth, IHostEnvironment environment)
    {
        // Settings change only with a restart; a minute of caching spares most page views the request.
        http.Response.Headers.CacheControl = "public, max-age=60";
        var limit = limits.Value;
        return TypedResults.Ok(new ClientConfig(
            reactions.Value.Kinds,
            ReportReasons.All,
            new TextLimits(
                limit.ReplyMaxLength,
                limit.TitleMaxLength,
                limit.TopicBodyMaxLength,
                limit.ReasonMaxLength,
                // A report's note has the bound of a moderator's reason (PROTOCOL.md v2: at most 500).
                limit.ReasonMaxLength,
                limit.MaxSourceUrls,
                (int)limit.EditWindow.TotalSeconds),
            auth.Value.DevTokensEnabledIn(environment)));
    }
}
