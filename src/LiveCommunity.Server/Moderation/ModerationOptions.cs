namespace LiveCommunity.Server.Moderation;

/// <summary>Configuration section "Moderation".</summary>
public sealed class ModerationOptions
{
    /// <summary>Words a reply may not contain (whole words, any case). Empty by default.</summary>
    public List<string> BlockedWords { get; set; } = [];

    /// <summary>
    /// Words that send a reply to the pending queue instead of refusing it (whole words, any case): a moderator
    /// decides. Empty by default.
    /// </summary>
    public List<string> SuspectWords { get; set; } = [];

    /// <summary>Distinct reporters after which a reply is hidden until a moderator decides; 0 never hides.</summary>
    public int HideAfterReports { get; set; } = 3;

    /// <summary>
    /// How long a reader's oldest published reply must have stood before their reports count towards
    /// <see cref="HideAfterReports"/>; other reports still reach the queue. Moderators, admins and journalists
    /// always count. Zero lets every report count. One day by default: fresh accounts cannot hide anything.
    /// </summary>
    public TimeSpan MinReporterAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A member's first this many replies wait for a moderator before anyone sees them; 0 holds none.</summary>
    public int PremoderateFirstReplies { get; set; }

    /// <summary>
    /// How long an instance holds a moderation job (removing a banned user's replies) without renewing it;
    /// after that another instance takes it over. Also how soon a job left by a crash is resumed.
    /// </summary>
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an erasure call waits for its job (the rows, then the SQLite files) before it answers 503 with
    /// Retry-After; the job goes on regardless. 30 seconds by default.
    /// </summary>
    public TimeSpan ErasureWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A pause between a job's topic steps, so that removing or erasing thousands of replies does not crowd out
    /// readers' writes on the same database. None by default.
    /// </summary>
    public TimeSpan JobStepPause { get; set; } = TimeSpan.Zero;
}
