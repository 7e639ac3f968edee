import { LiveCommunityError, type ApiClient } from "../ApiClient";

/** What `<live-thread article>` takes as `articleToken`: the token the host site signed, or how to get it. */
export type ArticleTokenSource = string | (() => string | Promise<string>);

/**
 * The topic id of a host site's article (PROTOCOL.md v3): `GET /api/articles/{id}`, and when that is 404 and
 * the page gave an article token, `POST /api/articles/resolve {token}`, which creates the topic on first view.
 * Null when the article has no topic and no token was given. Other failures are thrown as they came.
 */
export async function articleTopicId(api: ApiClient, articleId: string, token: ArticleTokenSource | undefined): Promise<string | null> {
  try {
    return (await api.getArticle(articleId)).id;
  } catch (error) {
    if (!(error instanceof LiveCommunityError) || error.status !== 404) throw error;
  }
  const signed = typeof token === "function" ? await token() : token;
  if (!signed) return null;
  return (await api.resolveArticle(signed)).id;
}
