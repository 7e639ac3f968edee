// The demo's moderator side: the "Queue" entry in the header with its live count, and the queue page.
import { LiveCommunity, type QueueCounts } from "../sdk/src/index";
import { defineModerationQueueElement, type ModerationQueueElement } from "../sdk/src/elements";

defineModerationQueueElement();

interface Viewer { role: string; token: string }

const canModerate = (viewer: Viewer | null): viewer is Viewer => viewer?.role === "moderator" || viewer?.role === "admin";

let linkClient: LiveCommunity | undefined;

/** Shows the header's "Queue" link, with the number of replies waiting, to moderators and admins only. */
export async function updateQueueLink(server: string, viewer: Viewer | null): Promise<void> {
  const link = document.getElementById("queue-link") as HTMLAnchorElement;
  const badge = link.querySelector(".queue-count")!;
  void linkClient?.close();
  linkClient = undefined;
  link.hidden = !canModerate(viewer);
  if (!canModerate(viewer)) return;
  const show = ({ reported, pending }: QueueCounts) => {
    badge.textContent = String(reported + pending);
    link.setAttribute("aria-label", `Moderation queue: ${reported} reported, ${pending} pending`);
  };
  const client = (linkClient = new LiveCommunity({ baseUrl: server, accessToken: () => viewer.token }));
  try {
    const queue = await client.watchQueue();
    show(queue.counts);
    queue.on("counts", ({ counts }) => show(counts));
  } catch {
    badge.textContent = "?"; // the queue page itself says what went wrong
  }
}

/** The queue page: the <moderation-queue> element, topic titles linking to the demo's topic pages. */
export function showQueue(app: HTMLElement, server: string, viewer: Viewer | null): void {
  const queue = document.createElement("moderation-queue") as ModerationQueueElement;
  queue.setAttribute("server", server);
  queue.setAttribute("topic-href", "#/topics/{id}");
  queue.accessToken = () => viewer?.token ?? "";
  const breadcrumb = document.createElement("nav");
  breadcrumb.className = "breadcrumb";
  breadcrumb.setAttribute("aria-label", "Breadcrumb");
  const home = Object.assign(document.createElement("a"), { href: "#/", textContent: "Community" });
  const here = Object.assign(document.createElement("li"), { textContent: "Moderation" });
  const first = document.createElement("li");
  first.append(home);
  const list = document.createElement("ol");
  list.append(first, here);
  breadcrumb.append(list);
  const card = Object.assign(document.createElement("div"), { className: "card" });
  card.append(queue);
  app.replaceChildren(breadcrumb, card);
  document.title = "Moderation queue · LiveCommunity";
}
