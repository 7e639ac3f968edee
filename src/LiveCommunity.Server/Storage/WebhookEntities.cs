using LiveCommunity.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

/// <summary>A receiver the admin registered (PROTOCOL.md v3 "Webhooks").</summary>
public sealed class WebhookEntity
{
    public required string Id { get; set; }
    public required string Url { get; set; }
    /// <summary>Event names, or "*" for all.</summary>
    public List<string> Events { get; set; } = [];
    /// <summary>"whsec_" + base64 of the key bytes: kept to sign, shown once at registration.</summary>
    public required string Secret { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An event for webhooks, written in the transaction of the change it describes (by <c>Batch.Append</c> for
/// topic events, by a command for the others); the dispatcher turns each into one delivery per subscribed
/// webhook and deletes it. <see cref="Id"/> is only the order of taking; rows are never skipped by a cursor,
/// because on PostgreSQL a lower id may commit after a higher one.
/// </summary>
public sealed class WebhookOutboxEntity
{
    public long Id { get; set; }
    public required string Type { get; set; }
    /// <summary>The webhook-id header: one per event, the same on every retry and for every receiver.</summary>
    public required string MessageId { get; set; }
    /// <summary>The exact body sent (<c>{type, timestamp, data}</c>): what is signed, byte for byte, on every attempt.</summary>
    public required string Body { get; set; }
    public DateTime At { get; set; }
}

/// <summary>One event owed to one webhook, until a 2xx or the last attempt.</summary>
public sealed class WebhookDeliveryEntity
{
    public long Id { get; set; }
    public required string WebhookId { get; set; }
    public required string Type { get; set; }
    public required string MessageId { get; set; }
    public required string Body { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Delivered (2xx) or given up after the last attempt: no more attempts.</summary>
    public bool Done { get; set; }
}

/// <summary>One attempt, for <c>GET /webhooks/{id}/deliveries</c>.</summary>
public sealed class WebhookAttemptEntity
{
    public long Id { get; set; }
    public required string WebhookId { get; set; }
    public required string Type { get; set; }
    public required string MessageId { get; set; }
    public int Attempt { get; set; }
    public int? Status { get; set; }
    public DateTime At { get; set; }
    public string? Error { get; set; }
}

/// <summary>A named lease in the database: which instance does a cluster-wide job until when.</summary>
public sealed class LeaseEntity
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTime Until { get; set; }
}

public static class WebhookModel
{

    public static void Configure(ModelBuilder model)
    {
        model.Entity<WebhookEntity>(hook =>
        {
            hook.ToTable("Webhooks");
            hook.Property(h => h.Id).HasMaxLength(64);
            hook.Property(h => h.Url).HasMaxLength(2_000);
            hook.PrimitiveCollection(h => h.Events).HasMaxLength(2_000);
            hook.Property(h => h.Secret).HasMaxLength(128);
            hook.Property(h => h.Description).HasMaxLength(1_000);
        });
        model.Entity<WebhookOutboxEntity>(outbox =>
        {
            outbox.ToTable("WebhookOutbox");
            outbox.Property(o => o.Type).HasMaxLength(32);
            outbox.Property(o => o.MessageId).HasMaxLength(64);
            // Unbounded text, as the event log's data: a body's size follows from the input limits, and a cap here
            // refused a 20,000-character non-ASCII reply whose JSON grew past it.
            outbox.Property(o => o.Body).Metadata.SetMaxLength(null);
        });
        model.Entity<WebhookDeliveryEntity>(delivery =>
        {
            delivery.ToTable("WebhookDeliveries");
            delivery.Property(d => d.WebhookId).HasMaxLength(64);
            delivery.Property(d => d.Type).HasMaxLength(32);
            delivery.Property(d => d.MessageId).HasMaxLength(64);
            delivery.Property(d => d.Body).Metadata.SetMaxLength(null);
            delivery.HasIndex(d => new { d.Done, d.NextAttemptAt });
            delivery.HasIndex(d => d.WebhookId);
        });
        model.Entity<WebhookAttemptEntity>(attempt =>
        {
            attempt.ToTable("WebhookAttempts");
            attempt.Property(a => a.WebhookId).HasMaxLength(64);
            attempt.Property(a => a.Type).HasMaxLength(32);
            attempt.Property(a => a.MessageId).HasMaxLength(64);
            attempt.Property(a => a.Error).HasMaxLength(500);
            attempt.HasIndex(a => new { a.WebhookId, a.Id });
            attempt.HasIndex(a => a.At);
        });
        model.Entity<LeaseEntity>(lease =>
        {
            lease.ToTable("Leases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasMaxLength(64);
            lease.Property(l => l.Holder).HasMaxLength(200);
        });
    }
}
