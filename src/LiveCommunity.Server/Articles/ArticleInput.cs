using LiveCommunity.Server.Common;

namespace LiveCommunity.Server.Articles;

/// <summary>The body of <c>PUT /articles/{articleId}</c>.</summary>
public sealed record ArticleInput(string? Title, string? Url, string? Body, List<string>? SourceUrls, DateTime? ClosesAt);

/// <summary>An article as stored on its topic, checked.</summary>
public sealed record ArticleFields(string ArticleId, string Title, string Url, string Body, List<string> SourceUrls, DateTime? ClosesAt);

public static class ArticleRules
{
    public const int MaxArticleIdLength = 128;

    /// <summary>Null when <paramref name="articleId"/> is 1–128 characters of <c>A-Z a-z 0-9 . _ : / -</c>.</summary>
    public static string? ArticleIdProblem(string? articleId)
    {
        if (string.IsNullOrEmpty(articleId) || articleId.Length > MaxArticleIdLength)
        {
            return $"must be 1 to {MaxArticleIdLength} characters";
        }
        return articleId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '-')
            ? null
            : "may contain only A-Z a-z 0-9 . _ : / -";
    }

    public static Outcome<ArticleFields> Check(string articleId, ArticleInput input, LimitsOptions limits)
    {
        var errors = new Dictionary<string, string[]>();
        if (ArticleIdProblem(articleId) is { } problem)
        {
            errors["articleId"] = [problem];
        }
        TextRules.Check(errors, "title", input.Title, limits.TitleMaxLength);
        TextRules.Check(errors, "body", input.Body, limits.TopicBodyMaxLength, required: false);
        if (!TextRules.IsHttpUrl(input.Url, limits.SourceUrlMaxLength))
        {
            errors["url"] = ["must be an absolute http or https address"];
        }
        var urls = input.SourceUrls ?? [];
        if (urls.Count > limits.MaxSourceUrls)
        {
            errors["sourceUrls"] = [$"must list at most {limits.MaxSourceUrls} addresses"];
        }
        else if (urls.Any(u => !TextRules.IsHttpUrl(u, limits.SourceUrlMaxLength)))
        {
            errors["sourceUrls"] = ["must be absolute http or https addresses"];
        }
        if (errors.ToRejection() is { } invalid)
        {
            return invalid;
        }
        var closesAt = input.ClosesAt?.ToUniversalTime();
        return new ArticleFields(articleId, input.Title!, input.Url!, input.Body ?? "", urls, closesAt is { } c ? c.AddTicks(-(c.Ticks % 10)) : null);
    }
}
