using AngleSharp.Html.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Parsers;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// Turns an update's limited Markdown into the HTML readers are served: Markdig with raw HTML off (an author's
/// tags come out as text), then an allow-list sanitizer, so whatever Markdig lets through (a javascript: link, an
/// image) is dropped too. Only paragraphs, emphasis, links (absolute http and https, rel="nofollow noopener
/// noreferrer"), lists, quotes, line breaks and inline code survive; other elements leave their text behind.
/// Made once per write and stored: the sanitizer parses a document each time.
/// </summary>
public sealed class UpdateMarkdown
{
    private static readonly MarkdownPipeline Pipeline = Build();

    private readonly HtmlSanitizer _sanitizer;

    public UpdateMarkdown()
    {
        _sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(["p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"], StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        })
        {
            KeepChildNodes = true, // a heading or an image's neighbours stay as text; scripts cannot occur (raw HTML is off)
        };
        // Relative links would resolve against the embedding page: only absolute http(s) URLs keep their href.
        _sanitizer.FilterUrl += (_, e) =>
        {
            if (!Uri.TryCreate(e.OriginalUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                e.SanitizedUrl = null;
            }
        };
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IHtmlAnchorElement anchor && anchor.HasAttribute("href"))
            {
                anchor.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
    }

    // No headings (a "# 1" stays the text it is, in its paragraph, not a bare line glued to the next one).
    private static MarkdownPipeline Build()
    {
        var builder = new MarkdownPipelineBuilder().DisableHtml();
        builder.BlockParsers.RemoveAll(parser => parser is HeadingBlockParser);
        return builder.Build();
    }

    /// <summary>The sanitized HTML of <paramref name="markdown"/>; thread-safe.</summary>
    public string ToHtml(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline)).Trim();
}
