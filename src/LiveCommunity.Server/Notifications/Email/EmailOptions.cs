namespace LiveCommunity.Server.Notifications.Email;

/// <summary>
/// <c>Notifications</c> settings of notification email (PROTOCOL.md v3 "Notifications", docs/deployment.md). Email is
/// on only where <see cref="SmtpOptions.Host"/> is set.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>At most one email per user per this much time, grouping what came meanwhile.</summary>
    public TimeSpan EmailEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Each notification's link: <c>{topicId}</c>, <c>{articleId}</c>, <c>{replyId}</c>, <c>{url}</c> (the article's URL).</summary>
    public string LinkTemplate { get; set; } = "{url}#reply-{replyId}";

    /// <summary>This server's public https base, for the unsubscribe link (<c>{PublicUrl}/api/me/email/unsubscribe?token=</c>).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The site's name in subjects ("3 new replies to you on {SiteName}").</summary>
    public string SiteName { get; set; } = "LiveCommunity";

    /// <summary>How often each instance looks for users whose email is due.</summary>
    public TimeSpan MailerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Users emailed per pass and instance at most: a backlog is worked off over several passes.</summary>
    public int MaxEmailsPerPass { get; set; } = 50;

    /// <summary>Notifications listed in one email at most; the rest are counted ("and 12 more").</summary>
    public int MaxItemsPerEmail { get; set; } = 20;

    /// <summary>How long a claimed user stays with the instance that claimed it; past it, another one retries.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait after a failed send; doubles per failure up to <see cref="MaxRetryDelay"/>. Email is never dropped.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    public SmtpOptions Smtp { get; set; } = new();

    public bool Enabled => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>The From address (with an optional display name: <c>Site &lt;noreply@example.com&gt;</c>).</summary>
    public string? From { get; set; }
    /// <summary>STARTTLS (or TLS on connect for port 465) required; false only for a relay on the same host or in tests.</summary>
    public bool UseTls { get; set; } = true;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
