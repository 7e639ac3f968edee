// What the browser bundle livecommunity.js carries (browser.ts): the public surface of @livecommunity/client but
// for index.ts's additions, which would take the embed past DESIGN.md's 30 KB (docs/deployment.md).
export { LiveCommunity, type LiveCommunityOptions } from "./LiveCommunity";
export { LiveThread, type ThreadEventMap } from "./LiveThread";
export { TopicList, type TopicListEventMap } from "./TopicList";
export { StatsWatch, type StatsWatchEventMap } from "./counts/StatsWatch";
export { counts, defaultCountFormat, COUNT_ATTRIBUTE, type CountsHandle, type CountsOptions } from "./counts/counts";
export { QueueWatch, type QueueWatchEventMap } from "./QueueWatch";
export type * from "./notificationTypes";
export type * from "./updateTypes";
export { REPORT_NOTE_MAX, REPORT_REASONS } from "./moderationTypes";
export type * from "./moderationTypes";
export { ThreadState } from "./ThreadState";
export { backoffRetryPolicy, defaultRetryPolicy, DEFAULT_RETRY_DELAYS, DEFAULT_FIRST_RETRY_SPREAD_MS, type RetryContext, type RetryPolicy } from "./RetryPolicy";
export { LiveCommunityError } from "./ApiClient";
export { allowTokenFor, isTokenAllowed } from "./TokenPolicy";
export type { ApiClient } from "./ApiClient";
export type { Disposer } from "./Emitter";
export type { HubConnectionFactory, HubConnectionLike } from "./HubConnectionLike";
export { defineLiveThreadElement, type LiveThreadElement } from "./element/defineLiveThreadElement";
export { articleTopicId, type ArticleTokenSource } from "./element/articleTopic";
export { defineModerationQueueElement, type ModerationQueueElement } from "./element/defineModerationQueueElement";
export type * from "./types";
