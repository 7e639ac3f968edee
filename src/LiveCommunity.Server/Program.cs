using LiveCommunity.Server.Articles;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Config;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Lifecycle;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Notifications.Email;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Scaling;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using LiveCommunity.Server.Updates;
using LiveCommunity.Server.Webhooks;
using LiveCommunity.Server.Writes;

SettingsFileWatch.PollUnlessChosen(); // before the builder: not a watcher woken by every database write
var builder = WebApplication.CreateBuilder(args);

builder.AddStorage();       // SQLite by default (file under data/), PostgreSQL for clusters
builder.AddTokenAuth();     // HS256 tokens minted by the host site; we keep no passwords
builder.AddApiDefaults();   // problem details for every error, input limits, CORS for embedding sites
builder.AddSocketScheduling(); // Kestrel's pipes scheduled inline: a hub message reaches its socket in one work item
builder.AddWrites();        // the one write path: per-topic queues, group commit, bounded batches in flight
builder.AddTopics();        // topics, replies and reactions services, shared by REST and the hub
builder.AddReplies();
builder.AddReactions();
builder.AddNotifications(); // replies to you, featured, held replies decided: stored in the write, pushed live after commit
builder.AddUpdates();       // the live blog: the newsroom's updates of a topic, rendered from limited Markdown once on write
builder.AddArticles();      // topics keyed by the host site's article ids, counts for article lists, closing
builder.AddWebhooks();      // signed webhooks from a durable outbox, delivered by one instance of a cluster at a time
builder.AddNotificationEmail(); // with Notifications:Smtp:Host: notification email from the notifications table, one-click unsubscribe
builder.AddRealtime();      // the SignalR hub, the per-topic event log and presence
builder.AddScaleOut();      // only with ConnectionStrings:Redis: backplane and presence across instances, Redis in readiness
builder.AddSafety();        // moderation, content rules, rate limits on reads, writes and connections
builder.AddHealth();        // liveness and readiness for load balancers
builder.AddLifecycle();     // SIGTERM drains first: readiness 503, Connection: close, hub connections moved, writes finished
builder.AddObservability(); // the LiveCommunity meter, exported for Prometheus at /metrics
builder.AddApiReference();  // OpenAPI document at /openapi/v1.json (Production: only with OpenApi:Enabled), Scalar in Development
builder.AddReadCache();      // hot reads built once per topic version: output cache (anonymous), shared pages (signed in)
builder.AddApiCompression(); // brotli/gzip for JSON answers, never for bodies with secrets (dev tokens, the hub)
builder.AddWebAssets();     // the demo page and SDK bundle, served from the manifest the build writes

var app = builder.Build();

// Fail fast on a missing signing key, before the first request needs it.
app.Services.GetRequiredService<SigningKeys>();
app.LogRuntimeSettings(); // the GC settings in effect (the project file's, or the environment's)
await app.MigrateDatabaseAsync();

app.UseForwardedHeaders();      // the client's address behind nginx, for per-address limits
app.UseDrain();                 // while draining: Connection: close, new hub connections refused with Retry-After
// These two shape HTTP answers only: a websocket upgrade skips them (each would hold a frame per hub connection).
app.UseWhen(PassThrough.AnswersOverHttp, branch => branch.UseExceptionHandler());
app.UseRequestBodyLimit();      // 413 before reading an oversized body
app.UseWhen(PassThrough.AnswersOverHttp, branch => branch.UseStatusCodePages()); // empty 401/403/404/405: problem details too
// "/" is the demo page: rewritten to /index.html before routing picks its endpoint. Only "/": the middleware looks
// each path up as a directory of the static assets, which cost every API request a lookup (profiled).
app.UseWhen(context => context.Request.Path.Value == "/", branch => branch.UseDefaultFiles());
app.UseRouting();               // explicit, after the rewrite above
app.UseCors(ApiExtensions.CorsPolicy);
app.UseAuthentication();
app.UseTokenRejection();        // a bad token is a 401 even where no token is needed
app.UseCurrentRoles();          // the role in a user's latest token is the one bans are checked against
app.UseEmailAddresses();       // the token's email claim, stored once per reader and address for the mailer
app.UseIdChecks();              // an over-long or control-character id is a 400 before any lookup
app.UseAuthorization();
app.UseRateLimiter();           // after authentication: limits are per user where there is one
app.UseReadCache();             // after the rate limiter (cached answers count too), before compression (kept compressed)
app.UseApiCompression();        // last before the endpoints: a cache placed before it keeps compressed copies

app.MapClientConfig();        // public: reaction kinds, text limits, dev tokens on or off (the SDK reads it, never probes)
app.MapTopics();
app.MapArticles();
app.MapWebhooks();
app.MapReplies();
app.MapUpdates();
app.MapMe(); // GET /api/me and muting: per reader, never cached
app.MapNotifications(); // GET /api/me/notifications, POST /api/me/notifications/read
app.MapNotificationEmail();   // GET/PUT /api/me/preferences, POST /api/me/email/unsubscribe (signed link, no sign-in)
app.MapReactions();
app.MapModeration();
app.MapReports();
app.MapRealtime();
app.MapHealth();
app.MapMetrics();
app.MapApiReference();
app.MapWebAssets();             // wwwroot/: precompressed; hashed assets cached for a year, the embed bundle for 5 minutes
if (app.DevTokensEnabled())
{
    app.MapDevTokens();
}

await app.SeedDemoTopicsAsync();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
