// @livecommunity/client/elements: the custom elements (they need a DOM); the core client is the package's main
// entry. livecommunity.js (the embed) carries <live-thread> and <moderation-queue> too.
export { defineLiveThreadElement, type LiveThreadElement } from "./element/defineLiveThreadElement";
export { articleTopicId, type ArticleTokenSource } from "./element/articleTopic";
export { defineModerationQueueElement, type ModerationQueueElement } from "./element/defineModerationQueueElement";
export { defineLiveNotificationsElement, type LiveNotificationsElement } from "./element/defineLiveNotificationsElement";
export { defineLiveBlogElement, type LiveBlogElement } from "./element/defineLiveBlogElement";
