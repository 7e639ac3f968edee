namespace LiveCommunity.Server.Auth;

public static class Roles
{
    public const string Member = "member";
    public const string Moderator = "moderator";
    public const string Admin = "admin";
    /// <summary>Newsroom staff: posts live updates, features replies, creates topics; no removals or bans; replies never hidden by reports.</summary>
    public const string Journalist = "journalist";
    /// <summary>The host site's back end: articles and webhooks' reads only, never a reader.</summary>
    public const string Publisher = "publisher";

    /// <summary>Why a publisher token is refused where readers act (REST 403, hub HubException).</summary>
    public const string PublisherIsNoReader =
        "a publisher token is the site's back end, never a reader: it cannot post, edit, react, report or watch";

    /// <summary>Who may create topics (POST /topics): moderators, admins and journalists.</summary>
    public static bool CreatesTopics(string role) => role is Moderator or Admin or Journalist;

    /// <summary>Who may feature and unfeature replies (PUT/DELETE /replies/{id}/featured).</summary>
    public static bool FeaturesReplies(string role) => role is Moderator or Admin or Journalist;

    /// <summary>Who may post, correct and delete live updates (POST /topics/{id}/updates, PATCH/DELETE /updates/{id}).</summary>
    public static bool PostsUpdates(string role) => role is Moderator or Admin or Journalist;

    /// <summary>Roles whose replies speak for the site: reports never hide them automatically.</summary>
    public static bool IsStaff(string role) => role is Moderator or Admin or Journalist;

    /// <summary>An absent or unknown role is treated as member: a typo in a host site never grants power.</summary>
    public static string Normalize(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        Moderator => Moderator,
        Admin => Admin,
        Journalist => Journalist,
        Publisher => Publisher,
        _ => Member,
    };
}
