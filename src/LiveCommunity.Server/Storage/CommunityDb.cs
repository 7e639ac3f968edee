using LiveCommunity.Server.Common;
using LiveCommunity.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// The one EF Core model. Each provider has a thin subclass (<see cref="SqliteCommunityDb"/>,
/// <see cref="PostgresCommunityDb"/>) only so that each keeps its own migrations.
/// </summary>
public abstract class CommunityDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<UserEntity> Users => Set<UserEntity>();
    public DbSet<TopicEntity> Topics => Set<TopicEntity>();
    public DbSet<ReplyEntity> Replies => Set<ReplyEntity>();
    public DbSet<ReactionEntity> Reactions => Set<ReactionEntity>();
    public DbSet<ReactionCountEntity> ReactionCounts => Set<ReactionCountEntity>();
    public DbSet<PendingReactionEventEntity> PendingReactionEvents => Set<PendingReactionEventEntity>();
    public DbSet<ServerSettingEntity> ServerSettings => Set<ServerSettingEntity>();
    public DbSet<TopicEventEntity> TopicEvents => Set<TopicEventEntity>();
    public DbSet<ModerationEntryEntity> ModerationLog => Set<ModerationEntryEntity>();
    public DbSet<ReportEntity> Reports => Set<ReportEntity>();
    public DbSet<ModerationJobEntity> ModerationJobs => Set<ModerationJobEntity>();
    public DbSet<WebhookEntity> Webhooks => Set<WebhookEntity>();
    public DbSet<WebhookOutboxEntity> WebhookOutbox => Set<WebhookOutboxEntity>();
    public DbSet<WebhookDeliveryEntity> WebhookDeliveries => Set<WebhookDeliveryEntity>();
    public DbSet<WebhookAttemptEntity> WebhookAttempts => Set<WebhookAttemptEntity>();
    public DbSet<LeaseEntity> Leases => Set<LeaseEntity>();
    public DbSet<MuteEntity> Mutes => Set<MuteEntity>();
    public DbSet<NotificationEntity> Notifications => Set<NotificationEntity>();
    public DbSet<EmailSettingsEntity> EmailSettings => Set<EmailSettingsEntity>();
    public DbSet<UpdateEntity> Updates => Set<UpdateEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite hands DateTime back as Unspecified, which would serialize without "Z".
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
        configurationBuilder.Properties<string>().HaveMaxLength(Columns.Id);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        WebhookModel.Configure(modelBuilder);
        NotificationModel.Configure(modelBuilder);
        EmailModel.Configure(modelBuilder); // after it: adds the mailer's state to the Notifications table
        modelBuilder.Entity<UserEntity>(user =>
        {
            user.ToTable("Users");
            user.Property(u => u.Name).HasMaxLength(Columns.Name);
            user.Property(u => u.Role).HasMaxLength(16);
            user.Property(u => u.BanReason).HasMaxLength(Columns.Reason);
        });

        modelBuilder.Entity<MuteEntity>(mute =>
        {
            mute.ToTable("Mutes");
            // The key is the lookup: one user's mutes, or whether they muted these authors.
            mute.HasKey(m => new { m.UserId, m.MutedUserId });
            mute.Property(m => m.UserId).HasMaxLength(Columns.Id);
            mute.Property(m => m.MutedUserId).HasMaxLength(Columns.Id);
        });

        modelBuilder.Entity<TopicEntity>(topic =>
        {
            topic.ToTable("Topics");
            topic.Property(t => t.Title).HasMaxLength(Columns.Title);
            topic.Property(t => t.Body).HasMaxLength(Columns.Text);
            topic.Property(t => t.AuthorName).HasMaxLength(Columns.Name);
            topic.Property(t => t.AuthorBadge).HasMaxLength(Author.MaxBadgeLength);
            topic.PrimitiveCollection(t => t.SourceUrls).HasMaxLength(Columns.Text);
            topic.HasIndex(t => new { t.CreatedAt, t.Id });
            topic.Property(t => t.ArticleId).HasMaxLength(Columns.Id);
            topic.Property(t => t.Url).HasMaxLength(Columns.Url);
            topic.HasIndex(t => t.ArticleId).IsUnique();
            // The close sweep's "open and due" rows only: SQLite cannot seek (Closed, ClosesAt) for NOT "Closed", so that
            // index let the sweep scan every topic; the filter is spelled as EF writes the query's terms, for both providers.
            topic.HasIndex(t => t.ClosesAt).HasFilter("NOT \"Closed\" AND \"ClosesAt\" IS NOT NULL").HasDatabaseName("IX_Topics_OpenClosesAt");
        });

        modelBuilder.Entity<ReplyEntity>(reply =>
        {
            reply.ToTable("Replies");
            reply.Property(r => r.Body).HasMaxLength(Columns.Text);
            reply.Property(r => r.AuthorName).HasMaxLength(Columns.Name);
            reply.Property(r => r.AuthorBadge).HasMaxLength(Author.MaxBadgeLength);
            reply.Property(r => r.RemovedReason).HasMaxLength(Columns.Reason);
            reply.HasOne<TopicEntity>().WithMany().HasForeignKey(r => r.TopicId);
            reply.HasIndex(r => new { r.TopicId, r.Seq }).IsUnique();
            // ?featured=true: the topic's featured replies in seq order, one short range whatever the topic's size.
            // Partial, so the planners take it for "WHERE … AND Featured" (a bare boolean is no equality they key on).
            reply.HasIndex(r => new { r.TopicId, r.Seq }, "IX_Replies_Featured_TopicId_Seq").HasFilter("\"Featured\"");
            // ?order=top: published replies by score, highest first, ties by seq; each page one or two short ranges.
            // Partial on the state, so removed and held replies are not in it at all; a second one for featured.
            reply.HasIndex(r => new { r.TopicId, r.Score, r.Seq }, "IX_Replies_Top").IsDescending(false, true, false)
                .HasFilter("\"State\" = 0");
            reply.HasIndex(r => new { r.TopicId, r.Score, r.Seq }, "IX_Replies_FeaturedTop").IsDescending(false, true, false)
                .HasFilter("\"State\" = 0 AND \"Featured\"");
            // The duplicate check: the same author, topic and text lately; one short range whatever the topic's size.
            // Its prefix also serves every reply of one author (moderation jobs, pre-moderation's count).
            reply.HasIndex(r => new { r.AuthorId, r.TopicId, r.BodyHash, r.CreatedAt });
            reply.Property(r => r.QueueState).HasMaxLength(16);
            // The moderators' queue: by state, oldest first.
            reply.HasIndex(r => new { r.QueueState, r.QueuedAt, r.Id });
        });

        modelBuilder.Entity<UpdateEntity>(update =>
        {
            update.ToTable("Updates");
            update.Property(u => u.Body).HasMaxLength(Columns.Text);
            update.Property(u => u.Html).Metadata.SetMaxLength(null); // rendered: its size follows from Body's limit
            update.Property(u => u.AuthorName).HasMaxLength(Columns.Name);
            update.Property(u => u.AuthorBadge).HasMaxLength(Author.MaxBadgeLength);
            update.Property(u => u.QuoteReplyId).HasMaxLength(Columns.Id);
            update.Property(u => u.QuoteAuthorName).HasMaxLength(Columns.Name);
            update.Property(u => u.QuoteAuthorBadge).HasMaxLength(Author.MaxBadgeLength);
            update.Property(u => u.QuoteBody).HasMaxLength(Columns.Text);
            update.HasOne<TopicEntity>().WithMany().HasForeignKey(u => u.TopicId);
            // The list: pinned first, then newest first, one range per topic; its prefix finds an update by seq.
            update.HasIndex(u => new { u.TopicId, u.Pinned, u.Seq }).IsUnique();
            // ?keyEvents=true: the same order over key events only. Partial, as the featured replies' index.
            update.HasIndex(u => new { u.TopicId, u.Pinned, u.Seq }, "IX_Updates_KeyEvent_TopicId_Pinned_Seq").HasFilter("\"KeyEvent\"");
            // A removed reply's quotes: found in one lookup, and only updates that quote anything are in it.
            update.HasIndex(u => u.QuoteReplyId).HasFilter("\"QuoteReplyId\" IS NOT NULL");
        });

        modelBuilder.Entity<ReportEntity>(report =>
        {
            report.ToTable("Reports");
            report.HasKey(r => new { r.ReplyId, r.ReporterId });
            report.Property(r => r.Reason).HasMaxLength(Columns.Kind);
            report.Property(r => r.Note).HasMaxLength(Columns.Reason);
        });

        modelBuilder.Entity<ModerationJobEntity>(job =>
        {
            job.ToTable("ModerationJobs");
            job.Property(j => j.Kind).HasMaxLength(Columns.Kind);
            job.Property(j => j.ModeratorName).HasMaxLength(Columns.Name);
            job.Property(j => j.ModeratorRole).HasMaxLength(16);
            job.Property(j => j.Reason).HasMaxLength(Columns.Reason);
            job.HasIndex(j => j.CompletedAt);
        });

        modelBuilder.Entity<ReactionEntity>(reaction =>
        {
            reaction.ToTable("Reactions");
            // Once per user, kind and target: the key itself makes PUT idempotent under any concurrency.
            reaction.HasKey(r => new { r.TargetId, r.UserId, r.Kind });
            // A reader's own reactions in one topic ("mine" on a page of replies): one short range of this index.
            reaction.HasIndex(r => new { r.UserId, r.TopicId });
            reaction.Property(r => r.Kind).HasMaxLength(Columns.Kind);
        });

        modelBuilder.Entity<ReactionCountEntity>(count =>
        {
            count.ToTable("ReactionCounts");
            count.HasKey(c => new { c.TargetId, c.Kind });
            count.Property(c => c.Kind).HasMaxLength(Columns.Kind);
        });

        modelBuilder.Entity<ServerSettingEntity>(setting =>
        {
            setting.ToTable("ServerSettings");
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(64);
            setting.Property(s => s.Value).HasMaxLength(Columns.Reason);
        });

        modelBuilder.Entity<PendingReactionEventEntity>(pending =>
        {
            pending.ToTable("PendingReactionEvents");
            pending.HasKey(p => p.TargetId);
            pending.HasIndex(p => p.Since); // the recovery sweep takes the oldest
        });

        modelBuilder.Entity<TopicEventEntity>(evt =>
        {
            evt.ToTable("TopicEvents");
            // The key is the contract: one event per (topic, seq), so a second writer of the same seq fails.
            evt.HasKey(e => new { e.TopicId, e.Seq });
            evt.Property(e => e.Type).HasMaxLength(32);
            // Unbounded text (PostgreSQL text, SQLite TEXT): an event's size follows from the input limits, and
            // a cap here refused locking a topic whose long body serialized past it (escaped JSON grows).
            evt.Property(e => e.Data).Metadata.SetMaxLength(null); // no cap, overriding the default of Columns.Id
            evt.HasIndex(e => new { e.TopicId, e.ReplyId });
            evt.HasIndex(e => e.At);
        });

        modelBuilder.Entity<ModerationEntryEntity>(entry =>
        {
            entry.ToTable("ModerationLog");
            entry.Property(e => e.ModeratorName).HasMaxLength(Columns.Name);
            entry.Property(e => e.Action).HasMaxLength(32);
            entry.Property(e => e.Reason).HasMaxLength(Columns.Reason);
            entry.HasIndex(e => new { e.At, e.Id });
        });
    }

    private static class Columns
    {
        public const int Id = 128;
        public const int Name = 200;
        public const int Kind = 32;
        public const int Title = 400;
        public const int Reason = 1000;
        public const int Text = 40_000;
        public const int Url = 2_000;
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

public sealed class SqliteCommunityDb(DbContextOptions<SqliteCommunityDb> options) : CommunityDb(options);

public sealed class PostgresCommunityDb(DbContextOptions<PostgresCommunityDb> options) : CommunityDb(options);
