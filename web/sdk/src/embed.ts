// What the browser bundle livecommunity.js carries (browser.ts): the core of @livecommunity/client and the elements
// a host page embeds with one script tag, but not index.ts's additions, which would take the embed past DESIGN.md's
// 30 KB (docs/deployment.md).
export * from "./core";
export { defineLiveThreadElement, type LiveThreadElement } from "./element/defineLiveThreadElement";
export { articleTopicId, type ArticleTokenSource } from "./element/articleTopic";
export { defineModerationQueueElement, type ModerationQueueElement } from "./element/defineModerationQueueElement";
