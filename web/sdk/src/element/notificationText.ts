// What <live-notifications> says and where its items lead, apart from the DOM so it can be tested on its own.
import type { Notification } from "../notificationTypes";
import { webUrl } from "./dom";

/** The bell button's accessible name: the badge is only a picture of the number. */
export function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
}

/** The badge's text: a short number (the exact one is in the button's name). */
export function badgeText(unread: number): string {
  return unread > 99 ? "99+" : String(unread);
}

/** "Ana replied to you", "Your reply was featured", … */
export function notificationSummary(notification: Notification): string {
  switch (notification.kind) {
    case "reply":
      return `${notification.from?.name ?? "Someone"} replied to you`;
    case "featured":
      return "Your reply was featured";
    case "approved":
      return "Your reply was approved";
    case "rejected":
      return "Your reply was rejected";
    default:
      return "Something happened to your reply"; // a kind newer than this SDK
  }
}

/** The excerpt in quotation marks; for a removed reply (no excerpt), a note that it is gone. */
export function excerptText(notification: Notification): string {
  return notification.excerpt !== undefined && notification.excerpt !== null ? `“${notification.excerpt}”` : "(the reply was removed)";
}

/** What the live region says when a notification arrives. */
export function announcement(notification: Notification): string {
  return `New notification: ${notificationSummary(notification)} in ${notification.topic.title}`;
}

const PLACEHOLDER = /\{(topicId|replyId|articleId|url)\}/g;

/**
 * Where an item leads. With a template (the page's own routes), its placeholders {topicId}, {replyId},
 * {articleId} and {url} (the article's address) are filled in; without one, the article's address when the
 * topic has one. Only http(s) addresses are used as they come; null when there is nowhere to go.
 */
export function notificationHref(notification: Notification, template: string | null): string | null {
  const url = notification.topic.url ? webUrl(notification.topic.url)?.href ?? null : null;
  if (!template) return url;
  if (template.includes("{url}") && !url) return null;
  if (template.includes("{articleId}") && !notification.topic.articleId) return null;
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (name === "url") return url!;
    const value = name === "topicId" ? notification.topic.id : name === "replyId" ? notification.replyId : notification.topic.articleId!;
    return encodeURIComponent(value);
  });
}
