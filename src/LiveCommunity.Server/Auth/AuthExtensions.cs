using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LiveCommunity.Server.Auth;

public static class AuthExtensions
{
    public const string ModeratorPolicy = "moderator";
    public const string AdminPolicy = "admin";

    public static WebApplicationBuilder AddTokenAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Auth");
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<AuthOptions>>((jwt, keys, auth) =>
            {
                // Keep "sub", "name" and "role" as they are on the wire instead of mapping them to WS-* URIs.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKey = keys.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = auth.Value.Issuer is not null,
                    ValidIssuer = auth.Value.Issuer,
                    ValidateAudience = auth.Value.Audience is not null,
                    ValidAudience = auth.Value.Audience,
                    RequireExpirationTime = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = TokenClaims.Name,
                    RoleClaimType = TokenClaims.Role,
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on websockets, so SignalR clients send the token in the query.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                    // Claims end up in columns, logs and other readers' pages: unusable ones are a 401 here, not a
                    // failed write later.
                    OnTokenValidated = context =>
                    {
                        if (TokenClaimsException.Check(context.Principal) is { } invalid)
                        {
                            context.Fail(invalid);
                        }
                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddHostedService<AuthConfigurationCheck>();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ModeratorPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.From(context.User)?.IsModerator == true))
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.From(context.User)?.Role == Roles.Admin));
        return builder;
    }

    /// <summary>
    /// A request that carries a token must carry a good one, even on routes anyone may read: a client that
    /// believes it is signed in should hear at once that it is not, instead of silently acting anonymously.
    /// </summary>
    public static IApplicationBuilder UseTokenRejection(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Authentication already ran (UseAuthentication), so this is its cached, finished result: not async on that
        // path (see PassThrough).
        var authenticating = context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return authenticating.IsCompletedSuccessfully
            ? RejectOrContinue(context, next, authenticating.Result)
            : AuthenticateThenAsync(context, next, authenticating);
    });

    private static async Task AuthenticateThenAsync(HttpContext context, RequestDelegate next, Task<AuthenticateResult> authenticating) =>
        await RejectOrContinue(context, next, await authenticating);

    private static Task RejectOrContinue(HttpContext context, RequestDelegate next, AuthenticateResult result)
    {
        if (result.Failure is null)
        {
            return next(context);
        }
        var detail = result.Failure switch
        {
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
            TokenClaimsException => result.Failure.Message,
            _ => "the token is not valid",
        };
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid token", detail: detail).ExecuteAsync(context);
    }
}
