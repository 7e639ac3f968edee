using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Articles;

/// <summary>A topic an article write answered with, and whether the write created it (201) or found it (200).</summary>
public sealed record ArticleResult(Topic Topic, bool Created);

/// <summary>Topics keyed by the host site's article ids (PROTOCOL.md v3 "Articles"): upsert, read, resolve.</summary>
public sealed class ArticleService(
    CommunityDb db,
    TopicWriter writer,
    TopicService topics,
    ReactionCounts reactions,
    TopicListBroadcaster topicList,
    ArticleTokens tokens,
    IOptions<LimitsOptions> limits,
    IOptions<ClosingOptions> closing)
{
    /// <summary>Who may PUT articles: the host's back end and the newsroom.</summary>
    public static bool MayPublish(Caller? caller) =>
        caller?.Role is Roles.Publisher or Roles.Admin or Roles.Moderator or Roles.Journalist;

    public async Task<Outcome<ArticleResult>> UpsertAsync(Caller caller, string articleId, ArticleInput input, CancellationToken ct)
    {
        if (!MayPublish(caller))
        {
            return Rejection.Forbidden("only publishers, journalists, moderators and admins write articles");
        }
        var checkedInput = ArticleRules.Check(articleId, input, limits.Value);
        if (checkedInput.Value is not { } article)
        {
            return checkedInput.Rejection!;
        }
        // At most twice round: a creation that lost the race to another one finds the topic and updates it.
        for (var round = 0; round < 2; round++)
        {
            var existing = await FindTopicIdAsync(articleId, ct);
            var written = existing is null
                ? await writer.WriteAsync(new CreateArticleCommand(caller, Ids.NewTopicId(), article, closing.Value.CloseAfter, reactions, topicList), ct)
                : await writer.WriteAsync(new UpdateArticleCommand(caller, existing, article), ct);
            if (written.Value is not { } result)
            {
                return written.Rejection!;
            }
            if (result.Topic is { } topic)
            {
                return new ArticleResult(topic with { Mine = [] }, existing is null);
            }
        }
        return Rejection.Conflict("the article changed while it was written; try again");
    }

    public async Task<Outcome<Topic>> GetAsync(Caller? caller, string articleId, CancellationToken ct)
    {
        if (ArticleRules.ArticleIdProblem(articleId) is { } problem)
        {
            return Rejection.Invalid("articleId", problem);
        }
        if (await FindTopicIdAsync(articleId, ct) is not { } topicId)
        {
            return Rejection.NotFound("article not found");
        }
        var found = await topics.GetAsync(caller, topicId, ct);
        return found.Value is { } body ? body.Value : found.Rejection!;
    }

    /// <summary>Lazy creation from the host's page: the topic of the signed article, made if missing, never changed.</summary>
    public async Task<Outcome<ArticleResult>> ResolveAsync(string? token, CancellationToken ct)
    {
        if (await tokens.ReadAsync(token) is not { } claims)
        {
            return new Rejection(StatusCodes.Status401Unauthorized, "Invalid article token", "the article token is missing, expired or not valid");
        }
        var checkedInput = ArticleRules.Check(claims.ArticleId, new ArticleInput(claims.Title, claims.Url, null, null, null), limits.Value);
        if (checkedInput.Value is not { } article)
        {
            return checkedInput.Rejection!;
        }
        var existing = await FindTopicIdAsync(article.ArticleId, ct);
        if (existing is null)
        {
            var written = await writer.WriteAsync(new CreateArticleCommand(null, Ids.NewTopicId(), article, closing.Value.CloseAfter, reactions, topicList), ct);
            if (written.Value is not { } result)
            {
                return written.Rejection!;
            }
            if (result.Topic is { } created)
            {
                return new ArticleResult(created with { Mine = [] }, true);
            }
            existing = result.ExistingTopicId!;
        }
        var found = await topics.GetAsync(null, existing, ct);
        return found.Value is { } body ? new ArticleResult(body.Value, false) : found.Rejection!;
    }

    private Task<string?> FindTopicIdAsync(string articleId, CancellationToken ct) =>
        db.Topics.AsNoTracking().Where(t => t.ArticleId == articleId).Select(t => t.Id).FirstOrDefaultAsync(ct);
}
