// The public surface of @livecommunity/client: everything a user may import is exported here, but the DOM elements,
// which are @livecommunity/client/elements (elements.ts).
export * from "./core";
// Not in the browser bundle: notifications (with the bell, about 3 KB with brotli) would take it past its budget.
export { NotificationWatch, watchNotifications, type NotificationWatchEventMap } from "./Notifications";
// Not in the browser bundle either: the live blog, for the same reason.
export { LiveBlog, watchBlog, type LiveBlogEventMap } from "./LiveBlog";
export { UpdateApi } from "./updateApi";
