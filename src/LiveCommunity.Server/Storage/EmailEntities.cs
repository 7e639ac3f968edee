using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// A reader's notification email: the address from their latest token's <c>email</c> claim, their preference, and
/// the mailer's bookkeeping (Notifications/Email). One row per reader who ever had an address or set a preference.
/// </summary>
public sealed class EmailSettingsEntity
{
    public required string UserId { get; set; }
    /// <summary>Null until a token with an <c>email</c> claim is seen: no address, no email.</summary>
    public string? Email { get; set; }
    /// <summary><c>off</c>, <c>immediate</c> or <c>digest</c>; null is the default (digest).</summary>
    public string? Mode { get; set; }
    public DateTime? LastEmailedAt { get; set; }
    /// <summary>Sends that failed in a row; the next try waits longer (never given up).</summary>
    public int Failures { get; set; }
    public DateTime? RetryAt { get; set; }
    /// <summary>The instance that is sending this reader's email, until <see cref="ClaimedUntil"/>.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntil { get; set; }
}

public static class EmailModel
{
    /// <summary>
    /// Notifications.EmailState (a shadow property, so the notification feature's entity does not carry the mailer's
    /// state): 0 waiting to be emailed, 1 emailed, 2 not to be emailed (read live, no address, email off).
    /// </summary>
    public const string EmailState = "EmailState";

    public static void Configure(ModelBuilder model)
    {
        model.Entity<EmailSettingsEntity>(settings =>
        {
            settings.ToTable("EmailSettings");
            settings.HasKey(s => s.UserId);
            settings.Property(s => s.UserId).HasMaxLength(128);
            settings.Property(s => s.Email).HasMaxLength(254);
            settings.Property(s => s.Mode).HasMaxLength(16);
            settings.Property(s => s.ClaimedBy).HasMaxLength(200);
        });
        model.Entity<NotificationEntity>(notification =>
        {
            notification.Property<byte>(EmailState);
            // The mailer's outbox: the notifications still waiting, by reader and age; emailed ones leave the index.
            notification.HasIndex("UserId", "At").HasDatabaseName("IX_Notifications_EmailWaiting").HasFilter("\"EmailState\" = 0");
        });
    }
}
