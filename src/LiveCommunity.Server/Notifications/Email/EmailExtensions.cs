using System.Security.Claims;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.RateLimits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using MimeKit;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>Notification email (PROTOCOL.md v3 "Notifications"): preferences and unsubscribing always, sending where SMTP is set.</summary>
public static class EmailExtensions
{
    public static WebApplicationBuilder AddNotificationEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration("Notifications")
            .Validate(o => !o.Enabled || MailboxAddress.TryParse(o.Smtp.From, out _),
                "Notifications:Smtp:From must be an address (name <address> or address) where Notifications:Smtp:Host is set")
            .Validate(o => !o.Enabled || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url)
                    && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))),
                "Notifications:PublicUrl must be this server's public https URL where Notifications:Smtp:Host is set (RFC 8058 needs https)")
            .Validate(o => !o.Enabled || o.Smtp.Port is > 0 and <= 65535, "Notifications:Smtp:Port must be 1 to 65535")
            .Validate(o => !string.IsNullOrWhiteSpace(o.LinkTemplate) && !string.IsNullOrWhiteSpace(o.SiteName),
                "Notifications:LinkTemplate and SiteName must not be empty")
            .Validate(o => o.EmailEvery >= TimeSpan.Zero && o.MailerInterval > TimeSpan.Zero && o.RetryDelay > TimeSpan.Zero
                    && o.MaxRetryDelay >= o.RetryDelay && o.Smtp.Timeout > TimeSpan.Zero && o.ClaimDuration > o.Smtp.Timeout * 2,
                "Notifications: EmailEvery must not be negative, MailerInterval, RetryDelay and Smtp:Timeout positive, MaxRetryDelay at least RetryDelay, ClaimDuration more than two Smtp:Timeouts")
            .Validate(o => o.MaxEmailsPerPass >= 1 && o.MaxItemsPerEmail >= 1, "Notifications:MaxEmailsPerPass and MaxItemsPerEmail must be at least 1")
            .ValidateOnStart();
        builder.Services.AddSingleton<UnsubscribeTokens>();
        builder.Services.AddScoped<EmailPreferences>();

        var enabled = !string.IsNullOrWhiteSpace(builder.Configuration["Notifications:Smtp:Host"]);
        if (enabled)
        {
            builder.Services.AddSingleton<EmailAddresses>();
            builder.Services.AddSingleton<UserConnections>();
            builder.Services.AddSingleton(services => new EmailClock(services.GetRequiredService<TimeProvider>()));
            builder.Services.AddScoped<EmailOutbox>();
            builder.Services.AddScoped<IEmailSender, SmtpSender>();
            builder.Services.AddHostedService<EmailMailer>();
            builder.Services.Configure<HubOptions>(hub => hub.AddFilter<UserConnectionsHubFilter>());
        }
        return builder;
    }

    /// <summary>Records the <c>email</c> claim of signed-in callers, once per reader and address (<see cref="EmailAddresses"/>).</summary>
    public static IApplicationBuilder UseEmailAddresses(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<EmailAddresses>() is not { } addresses)
        {
            return app; // no SMTP: no email, no addresses kept
        }
        return app.Use((context, next) =>
        {
            if (Caller.From(context.User) is not { Email: not null } caller)
            {
                return next(context);
            }
            return addresses.TryRecordAsync(caller, context.RequestAborted).ThenNext(context, next); // see PassThrough
        });
    }

    public static IEndpointRouteBuilder MapNotificationEmail(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/me").WithTags("Me").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        me.MapGet("/preferences", async Task<Results<Ok<Preferences>, ProblemHttpResult>> (ClaimsPrincipal user, EmailPreferences preferences, CancellationToken ct) =>
                (await preferences.GetAsync(Caller.From(user), ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization().WithProblems(401);

        me.MapPut("/preferences", async Task<Results<Ok<Preferences>, ProblemHttpResult>> (
                Preferences? input, ClaimsPrincipal user, EmailPreferences preferences, CancellationToken ct) =>
                (await preferences.SetAsync(Caller.From(user), input, ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization().WithWriteLimit(WriteKind.Change).WithProblems(400, 401, 429);

        // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the link, without cookies or a token of
        // ours; the signed token in the query is the authority. A browser's form post gets a page, not JSON.
        me.MapPost("/email/unsubscribe", async Task<Results<Ok<Preferences>, ContentHttpResult, ProblemHttpResult>> (
                string? token, HttpRequest request, EmailPreferences preferences, CancellationToken ct) =>
            {
                var outcome = await preferences.UnsubscribeAsync(token, ct);
                if (outcome.Rejection is { } rejection)
                {
                    return rejection.ToProblem();
                }
                return UnsubscribePage.WantsHtml(request)
                    ? TypedResults.Content(UnsubscribePage.Done(), "text/html; charset=utf-8")
                    : TypedResults.Ok(outcome.Value);
            })
            .AllowAnonymous().DisableAntiforgery().RequireRateLimiting(RateLimitPolicies.Reads).WithProblems(400, 429);

        // What a person's click on the link does: a page with a button that POSTs. A GET never unsubscribes, since
        // link scanners and previews fetch every link of a message.
        me.MapGet("/email/unsubscribe", Results<ContentHttpResult, ProblemHttpResult> (string? token, UnsubscribeTokens tokens) =>
                tokens.Read(token) is null
                    ? Rejection.Invalid("token", "the unsubscribe link is not valid").ToProblem()
                    : TypedResults.Content(UnsubscribePage.Confirm(token!), "text/html; charset=utf-8"))
            .AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Reads).WithProblems(400, 429);
        return routes;
    }
}
