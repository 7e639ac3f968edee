using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Common;

public static partial class ApiExtensions
{
    public const string CorsPolicy = "embedding";

    /// <summary>Problem details for every error, limits from "Limits", and CORS for embedding host sites.</summary>
    public static WebApplicationBuilder AddApiDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration("Limits").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework answers (no token, wrong role, no route) get a sentence too, like our own rejections.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "sign in: send a bearer token from the host site",
                StatusCodes.Status403Forbidden => "your role does not allow this",
                StatusCodes.Status404NotFound => "no such resource",
                StatusCodes.Status405MethodNotAllowed => "this resource does not take that method",
                _ => null,
            };
            // A refusal that says when to retry (busy storage, rate limits) says it in the header too.
            if (context.ProblemDetails.Extensions.TryGetValue(Rejection.RetryAfterExtension, out var seconds) && seconds is int s)
            {
                context.HttpContext.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<StorageBusyExceptionHandler>();
        // Binding failures throw, so the handler above can say what was wrong instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);
        builder.Services.AddSingleton(TimeProvider.System);

        // Behind a proxy, rate limits per client address need the client's address, not the proxy's. Loopback
        // proxies are trusted by default; others are listed in ForwardedHeaders:KnownProxies.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });

        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        var anyOrigin = builder.Environment.IsDevelopment() && origins.Length == 0;
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            // Tokens travel in headers or access_token, never cookies; credentials are allowed only because the
            // SignalR browser client negotiates with credentials on by default.
            if (anyOrigin)
            {
                policy.SetIsOriginAllowed(_ => true);
            }
            else
            {
                policy.WithOrigins(origins);
            }
            policy.AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("Location", "Retry-After");
        }));
        return builder;
    }

    /// <summary>Turns request-reading failures (bad JSON, wrong parameter types, body too large) into problem details.</summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }
            context.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails =
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                    Detail = bad.Message,
                },
            });
        }
    }

    /// <summary>
    /// A read that found the database saturated (no free pooled connection in time, too many clients) is
    /// answered 503 with Retry-After: the client retries, nobody sees a 500, and it is no error in the logs.
    /// </summary>
    private sealed partial class StorageBusyExceptionHandler(IProblemDetailsService problems, ILogger<StorageBusyExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (!StorageFailures.IsBusy(exception))
            {
                return false;
            }
            LogBusy(logger, context.Request.Path.Value ?? "");
            var busy = Rejection.Busy(TimeSpan.FromSeconds(2));
            context.Response.StatusCode = busy.Status;
            context.Response.Headers.RetryAfter = Rejection.RetryAfterSeconds(busy.RetryAfter!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = busy.Status, Title = busy.Title, Detail = busy.Detail },
            });
        }

        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "The database was saturated; {Path} was answered 503")]
        private static partial void LogBusy(ILogger logger, string path);
    }
}
