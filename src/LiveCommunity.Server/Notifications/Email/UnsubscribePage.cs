using System.Text.Encodings.Web;
using Microsoft.Net.Http.Headers;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>The two tiny pages a person sees when they open the unsubscribe link in a browser: confirm, then done.</summary>
public static class UnsubscribePage
{
    /// <summary>A browser's form post (it asks for HTML); a mail client's one-click POST does not.</summary>
    public static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    public static string Confirm(string token) => Page(
        "Unsubscribe",
        $"""
        <p>Stop notification emails? You can turn them on again in your preferences.</p>
        <form method="post" action="?token={HtmlEncoder.Default.Encode(Uri.EscapeDataString(token))}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click">
        <button type="submit">Unsubscribe</button>
        </form>
        """);

    public static string Done() => Page("Unsubscribed", "<p>You will get no more notification emails.</p>");

    private static string Page(string title, string body) =>
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>{title}</title></head>
        <body><h1>{title}</h1>
        {body}
        </body></html>
        """;
}
