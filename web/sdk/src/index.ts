// The public surface of @livecommunity/client: everything a user may import is exported here.
export * from "./embed";
// Not in the browser bundle: notifications and <live-notifications> (about 3 KB with brotli) would take it past
// its budget.
export { NotificationWatch, watchNotifications, type NotificationWatchEventMap } from "./Notifications";
export { defineLiveNotificationsElement, type LiveNotificationsElement } from "./element/defineLiveNotificationsElement";
// Not in the browser bundle either: the live blog and <live-blog>, for the same reason.
export { LiveBlog, watchBlog, type LiveBlogEventMap } from "./LiveBlog";
export { UpdateApi } from "./updateApi";
export { defineLiveBlogElement, type LiveBlogElement } from "./element/defineLiveBlogElement";
