using System.Globalization;
using System.Text;
using MimeKit;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>One notification as an email lists it.</summary>
public sealed record EmailItem(
    string Id, string Kind, string? FromName, string TopicId, string TopicTitle, string? ArticleId, string? Url, string ReplyId, string? Excerpt);

/// <summary>
/// Builds the one email that carries a reader's waiting notifications: plain text (nothing in it is ever
/// interpreted as markup), a subject that counts them, a link per notification from
/// <see cref="EmailOptions.LinkTemplate"/>, and the RFC 8058 one-click unsubscribe headers.
/// </summary>
public static class EmailMessage
{
    public static MimeMessage Build(EmailOptions options, string to, IReadOnlyList<EmailItem> items, int more, string unsubscribeUrl)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Smtp.From!));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = Subject(items, more, options.SiteName);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        // Automated mail: no out-of-office answers back (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append("- ").Append(Line(item)).Append('\n');
            if (item.Excerpt is { Length: > 0 } excerpt)
            {
                text.Append("  \"").Append(excerpt).Append("\"\n");
            }
            if (Link(options.LinkTemplate, item) is { } link)
            {
                text.Append("  ").Append(link).Append('\n');
            }
            text.Append('\n');
        }
        if (more > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"and {more} more.\n\n");
        }
        text.Append("--\nYou get this email because of your activity on ").Append(options.SiteName)
            .Append(". To get no more of these emails: ").Append(unsubscribeUrl).Append('\n');
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    public static string Subject(IReadOnlyList<EmailItem> items, int more, string site)
    {
        var count = items.Count + more;
        if (count == 1)
        {
            return items[0].Kind switch
            {
                "reply" => $"{items[0].FromName ?? "Someone"} replied to you on {site}",
                "featured" => $"Your reply was featured on {site}",
                "approved" => $"Your reply was published on {site}",
                "rejected" => $"Your reply was not published on {site}",
                _ => $"1 new notification on {site}",
            };
        }
        return items.All(i => i.Kind == "reply") ? $"{count} new replies to you on {site}" : $"{count} new notifications on {site}";
    }

    private static string Line(EmailItem item) => item.Kind switch
    {
        "reply" => $"{item.FromName ?? "Someone"} replied to you in \"{item.TopicTitle}\"",
        "featured" => $"Your reply in \"{item.TopicTitle}\" was featured",
        "approved" => $"Your reply in \"{item.TopicTitle}\" was published",
        "rejected" => $"Your reply in \"{item.TopicTitle}\" was not published",
        _ => $"News in \"{item.TopicTitle}\"",
    };

    /// <summary>The template filled in; null when it needs the article's URL and the topic has none, or is no http(s) URL.</summary>
    public static string? Link(string template, EmailItem item)
    {
        if (template.Contains("{url}", StringComparison.Ordinal) && string.IsNullOrEmpty(item.Url))
        {
            return null;
        }
        var link = template
            .Replace("{topicId}", Uri.EscapeDataString(item.TopicId), StringComparison.Ordinal)
            .Replace("{articleId}", Uri.EscapeDataString(item.ArticleId ?? ""), StringComparison.Ordinal)
            .Replace("{replyId}", Uri.EscapeDataString(item.ReplyId), StringComparison.Ordinal)
            .Replace("{url}", item.Url ?? "", StringComparison.Ordinal);
        return Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
    }
}
