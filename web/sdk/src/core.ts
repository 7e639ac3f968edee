// The core of @livecommunity/client: the client, its watches and types, with no DOM element, so it runs in Node
// and in workers as well as in pages. The elements are @livecommunity/client/elements (elements.ts).
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
export type * from "./types";
