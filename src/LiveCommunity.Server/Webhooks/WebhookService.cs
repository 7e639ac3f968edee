using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Webhooks;

public sealed record NewWebhook(string? Url, List<string>? Events, string? Description);

/// <summary>A webhook as <c>GET /webhooks</c> lists it: never its secret.</summary>
public sealed record Webhook(string Id, string Url, IReadOnlyList<string> Events, string? Description, DateTime CreatedAt);

/// <summary>The registration answer: the only time the secret is shown.</summary>
public sealed record RegisteredWebhook(string Id, string Url, IReadOnlyList<string> Events, string? Description, DateTime CreatedAt, string Secret);

public sealed record WebhookAttempt(string WebhookId, string Type, string MessageId, int Attempt, int? Status, DateTime At, string? Error);

public sealed record WebhookAttempts(IReadOnlyList<WebhookAttempt> Items);

/// <summary><c>GET /webhooks</c>: <c>{items}</c> like every list; all of them (at most Webhooks:MaxWebhooks), so no cursor.</summary>
public sealed record WebhookList(IReadOnlyList<Webhook> Items);

/// <summary>Registering, listing and removing webhooks, and their delivery log (PROTOCOL.md v3 "Webhooks").</summary>
public sealed class WebhookService(CommunityDb db, TimeProvider time, IOptions<WebhooksOptions> options)
{
    public static bool MayRead(Caller? caller) => caller?.Role is Roles.Admin or Roles.Publisher;

    public async Task<Outcome<RegisteredWebhook>> RegisterAsync(Caller caller, NewWebhook input, CancellationToken ct)
    {
        if (caller.Role != Roles.Admin)
        {
            return Rejection.Forbidden("only admins register webhooks");
        }
        var errors = new Dictionary<string, string[]>();
        if (await NetworkGuard.CheckAsync(input.Url, options.Value.AllowPrivateNetworks, ct) is { } badUrl)
        {
            errors["url"] = [badUrl];
        }
        var events = (input.Events ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (events.Count == 0 || events.Any(e => e != WebhookEvents.All && !WebhookEvents.Names.Contains(e)))
        {
            errors["events"] = [$"must list event names ({string.Join(", ", WebhookEvents.Names.Order())}) or \"*\""];
        }
        TextRules.Check(errors, "description", input.Description, 1_000, required: false);
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        if (await db.Webhooks.CountAsync(ct) >= options.Value.MaxWebhooks)
        {
            return Rejection.Conflict($"at most {options.Value.MaxWebhooks} webhooks may be registered");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var hook = new WebhookEntity
        {
            Id = "w_" + Guid.CreateVersion7().ToString("N"),
            Url = input.Url!,
            Events = events,
            Secret = WebhookSignature.NewSecret(),
            Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description,
            CreatedAt = now.AddTicks(-(now.Ticks % 10)),
        };
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync(ct);
        return new RegisteredWebhook(hook.Id, hook.Url, hook.Events, hook.Description, hook.CreatedAt, hook.Secret);
    }

    public async Task<WebhookList> ListAsync(CancellationToken ct) =>
        new(await db.Webhooks.AsNoTracking().OrderBy(h => h.CreatedAt)
            .Select(h => new Webhook(h.Id, h.Url, h.Events, h.Description, h.CreatedAt)).ToListAsync(ct));

    /// <summary>Removes it and what it was still owed.</summary>
    public async Task<Outcome<bool>> DeleteAsync(string id, CancellationToken ct)
    {
        if (await db.Webhooks.Where(h => h.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return Rejection.NotFound("webhook not found");
        }
        await db.WebhookDeliveries.Where(d => d.WebhookId == id).ExecuteDeleteAsync(ct);
        return true;
    }

    public async Task<Outcome<WebhookAttempts>> AttemptsAsync(string id, int? limit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = TextRules.CheckLimit(errors, limit, fallback: 50, max: 200);
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        if (!await db.Webhooks.AnyAsync(h => h.Id == id, ct))
        {
            return Rejection.NotFound("webhook not found");
        }
        var items = await db.WebhookAttempts.AsNoTracking().Where(a => a.WebhookId == id).OrderByDescending(a => a.Id).Take(take!.Value)
            .Select(a => new WebhookAttempt(a.WebhookId, a.Type, a.MessageId, a.Attempt, a.Status, a.At, a.Error)).ToListAsync(ct);
        return new WebhookAttempts(items);
    }
}
