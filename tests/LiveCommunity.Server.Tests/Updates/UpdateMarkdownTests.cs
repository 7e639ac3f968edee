using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Updates;

namespace LiveCommunity.Server.Tests.Updates;

/// <summary>
/// An update's html is safe to put into a page whatever its author wrote: attacks on the renderer and the
/// sanitizer, through the renderer alone and end to end (REST, the live event, replay).
/// </summary>
public sealed partial class UpdateMarkdownTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly UpdateMarkdown Markdown = new();

    private static readonly HashSet<string> AllowedTags = ["p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"];

    // Each tries to get script, an event handler or a script URL into the html. Some leave harmless text behind
    // (a raw tag is shown as text): the checks look at the elements and their attributes, and at every tag.
    private static readonly string[] AttackBodies =
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<div onclick=\"alert(1)\">\n\nraw html block\n\n</div>",
        "<a href=\"javascript:alert(1)\">raw link</a>",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](  javascript:alert(1) )",
        "[x](java\tscript:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&colon;alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "![x](javascript:alert(1))",
        "![x](https://evil.example/track.png \"onerror=alert(1)\")",
        "<javascript:alert(1)>",
        "<http://example.org/\" onmouseover=\"alert(1)>",
        "[x](http://example.org/\"onmouseover=\"alert(1))",
        "[x](https://example.org/ \"title\" onmouseover=alert(1))",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "<!-- comment --><style>body{display:none}</style>",
        "> quote <img src=x onerror=alert(1)>",
        "* list <script>alert(1)</script>",
    ];

    public static TheoryData<string> Attacks => new(AttackBodies);

    [Theory]
    [MemberData(nameof(Attacks))]
    public void RenderingAnAttackLeavesOnlyAllowedElementsAndHttpLinks(string body) => AssertSafe(Markdown.ToHtml(body));

    [Fact]
    public void TheAllowedMarkdownIsRenderedAndLinksAreMarkedNofollow()
    {
        Assert.Equal("<p><em>a</em> <strong>b</strong> <code>c</code></p>", Markdown.ToHtml("*a* **b** `c`"));
        Assert.Equal("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", Markdown.ToHtml("- one\n- two"));
        Assert.Equal("<ol>\n<li>one</li>\n</ol>", Markdown.ToHtml("1. one"));
        Assert.Equal("<blockquote>\n<p>said</p>\n</blockquote>", Markdown.ToHtml("> said"));
        Assert.Equal("<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\">site</a></p>",
            Markdown.ToHtml("[site](https://example.org/a?b=1&c=2)"));
        Assert.Equal("<p># 1 Title\nnext line</p>", Markdown.ToHtml("# 1 Title\nnext line"));
        Assert.Equal("<p><a>x</a></p>", Markdown.ToHtml("[x](/relative/path)")); // an inert link: no href
        Assert.Equal("<p>&lt;b&gt;not bold&lt;/b&gt;</p>", Markdown.ToHtml("<b>not bold</b>"));
        foreach (var attack in AttackBodies)
        {
            Assert.DoesNotMatch(ScriptUrl(), AttributesOf(Markdown.ToHtml(attack)));
        }
    }

    [Fact]
    public async Task AnAttackIsSafeOnRestLiveAndInReplay()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var body = string.Join("\n\n", AttackBodies);
        using var anonymous = app.Anonymous().Http();
        var before = (long)(await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK))["lastSeq"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        using var jo = new TestUser(app, Users.Make("Jo", "journalist")).Http();
        var posted = await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(body, (string?)posted["body"]); // the Markdown is kept as written: clients render html, never body
        AssertSafe((string)posted["html"]!);
        var live = await watcher.WaitForAsync("UpdatePosted");
        AssertSafe((string)live["update"]!["html"]!);
        var listed = await (await anonymous.GetAsync($"/api/topics/{topicId}/updates")).ReadAsync(HttpStatusCode.OK);
        AssertSafe((string)listed["items"]![0]!["html"]!);
        var missed = (await watcher.WatchAsync(topicId, before))["missed"]!.AsArray();
        AssertSafe((string)missed.Single()!["update"]!["html"]!);
        Assert.Equal((string?)posted["html"], (string?)missed.Single()!["update"]!["html"]);
    }

    private static void AssertSafe(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(HandlerInTag(), html);
        Assert.DoesNotMatch(ScriptUrlInTag(), html);
        var document = new HtmlParser().ParseDocument("<body>" + html);
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, AllowedTags);
            foreach (var attribute in element.Attributes)
            {
                Assert.Contains(attribute.Name, (string[])["href", "rel"]);
            }
            if (element.GetAttribute("href") is { } href)
            {
                Assert.True(Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", $"href {href}");
                Assert.Equal("nofollow noopener noreferrer", element.GetAttribute("rel"));
            }
        }
    }

    private static string AttributesOf(string html) => string.Join(" ", TagPattern().Matches(html).Select(m => m.Value));

    [GeneratedRegex(@"<[^>]*\son\w+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HandlerInTag();

    [GeneratedRegex(@"<[^>]*(javascript|vbscript|data):", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptUrlInTag();

    [GeneratedRegex(@"(javascript|vbscript|data):", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptUrl();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagPattern();
}
