// The demo page: a live front page of news topics and a topic page built around <live-thread> (and <live-blog>).
// Hash routing (#/topics/{id}) keeps the server's side to static files.
import { LiveCommunity, type Topic, type TopicList, type TopicStatsEvent } from "../sdk/src/index";
import { defineLiveNotificationsElement, defineLiveThreadElement, type LiveNotificationsElement, type LiveThreadElement } from "../sdk/src/elements";
import { avatar, refreshTimes, timeElement } from "../sdk/src/element/dom";
import { showArticle, showArticles } from "./articles";
import { blogSection } from "./blog";
import { showQueue, updateQueueLink } from "./queue";

defineLiveThreadElement();
defineLiveNotificationsElement();

interface Session { name: string; role: string; token: string; userId: string }

const server = location.origin;
const CATEGORY = "News";
const app = document.getElementById("app")!;
const picker = document.getElementById("sign-in") as HTMLSelectElement;
let session: Session | null = JSON.parse(sessionStorage.getItem("livecommunity:session") ?? "null") as Session | null;
const token = () => session?.token ?? "";
// The header's bell: the signed-in reader's notifications, linking to the demo's topic pages; nothing when anonymous.
const bell = document.getElementById("notifications") as LiveNotificationsElement;
bell.accessToken = token;
const client = () => new LiveCommunity({ baseUrl: server, accessToken: token });
// Settings of the server (reaction kinds, limits, dev tokens), read once: a REST-only client, it never connects.
const config = client().config();
/** What the current page should stop when the reader leaves it (the front page's live list). */
let leavePage: (() => void) | undefined;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string | null | false)[]) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

const breadcrumb = (current: "front" | "topic") =>
  h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" },
    h("ol", {},
      h("li", {}, h("a", { href: "#/" }, "Community")),
      h("li", {}, current === "front" ? h("a", { href: "#/", "aria-current": "page" }, CATEGORY) : h("a", { href: "#/" }, CATEGORY))));

async function route(): Promise<void> {
  leavePage?.();
  leavePage = undefined;
  const match = /^#\/topics\/(.+)$/.exec(location.hash);
  const article = /^#\/articles\/(.+)$/.exec(location.hash);
  if (location.hash === "#/queue") showQueue(app, server, session);
  else if (location.hash === "#/articles") leavePage = await showArticles(app, server);
  else if (article) showArticle(app, server, decodeURIComponent(article[1]!), token);
  else if (match) showTopic(decodeURIComponent(match[1]!));
  else await showFrontPage();
}

function showTopic(topicId: string): void {
  const thread = document.createElement("live-thread") as LiveThreadElement;
  thread.accessToken = token;
  thread.setAttribute("server", server);
  thread.setAttribute("topic", topicId);
  thread.setAttribute("category", CATEGORY);
  // The newsroom's live blog above, the readers' discussion under it.
  app.replaceChildren(breadcrumb("topic"), blogSection(server, topicId, session, thread), h("div", { class: "card" }, thread));
  document.title = "Topic · LiveCommunity";
}

/**
 * The news list, live: new topics wait under an "N new topics" pill (the list never jumps under the reader),
 * and reply counts, reactions and "N reading now" follow TopicStats.
 */
async function showFrontPage(): Promise<void> {
  const list = h("ul", { class: "topic-list", "aria-label": "Topics" });
  const more = h("button", { class: "more", type: "button", hidden: "" }, "More topics");
  const error = h("p", { class: "error", role: "alert" });
  const pill = h("button", { class: "new-topics", type: "button", hidden: "" });
  const state = h("span", { class: "live-state", "data-state": "connecting" }, "Connecting…");
  app.replaceChildren(
    breadcrumb("front"),
    h("section", { class: "card front", "aria-labelledby": "front-title" },
      h("div", { class: "front-head" }, h("h1", { id: "front-title" }, CATEGORY), state),
      h("div", { class: "pill-slot", "aria-live": "polite" }, pill),
      list, more, error),
  );
  if (session && (session.role === "moderator" || session.role === "admin")) app.append(newTopicForm());
  document.title = `${CATEGORY} · LiveCommunity`;

  const live = client();
  const items = new Map<string, { topic: Topic; li: HTMLLIElement }>();
  const waiting = new Map<string, Topic>(); // posted, not shown yet
  const early = new Map<string, TopicStatsEvent>(); // stats that came before their topic was listed
  let cursor: string | undefined;
  let loaded = false;
  let closed = false;
  const timer = setInterval(() => refreshTimes(list), 30_000);
  leavePage = () => {
    closed = true;
    clearInterval(timer);
    void live.close();
  };

  const showWaiting = () => {
    pill.hidden = waiting.size === 0;
    pill.textContent = `↑ ${waiting.size} new ${waiting.size === 1 ? "topic" : "topics"}`;
  };
  const applyStats = (stats: TopicStatsEvent) => {
    const item = items.get(stats.topicId);
    const pending = waiting.get(stats.topicId);
    if (pending) waiting.set(stats.topicId, { ...pending, replyCount: stats.replyCount, reactions: stats.reactions });
    if (!item) {
      if (!pending && !loaded) early.set(stats.topicId, stats);
      return;
    }
    item.topic = { ...item.topic, replyCount: stats.replyCount, reactions: stats.reactions };
    renderStats(item.li, item.topic, stats.watchers);
  };
  const append = (topics: Topic[], where: "top" | "bottom") => {
    const fresh = topics.filter((t) => !items.has(t.id));
    const lis = fresh.map((topic) => {
      const li = topicItem(topic);
      items.set(topic.id, { topic, li });
      const stats = early.get(topic.id);
      if (stats) {
        early.delete(topic.id);
        applyStats(stats);
      }
      return li;
    });
    list.querySelector(".empty")?.remove();
    if (where === "top") {
      for (const li of lis) li.classList.add("arrived");
      list.prepend(...lis);
    } else list.append(...lis);
    if (items.size === 0 && !list.querySelector(".empty")) list.append(h("li", { class: "muted empty" }, "No topics yet."));
    return lis;
  };
  const load = async (first: boolean) => {
    try {
      const page = await live.topics(20, first ? undefined : cursor);
      if (closed) return;
      if (first && items.size > 0) {
        // Caught up after a reconnect: what is new waits under the pill, the rest gets its counts.
        for (const topic of page.items) {
          const item = items.get(topic.id);
          if (item) {
            item.topic = { ...item.topic, replyCount: topic.replyCount, reactions: topic.reactions };
            renderStats(item.li, item.topic);
          } else if (topic.createdAt > newest()) waiting.set(topic.id, topic);
        }
        showWaiting();
        return;
      }
      append(page.items, "bottom");
      loaded = true;
      early.clear(); // stats of topics further down than the page shows are of no use
      cursor = page.nextCursor ?? undefined;
      more.hidden = !cursor;
    } catch (e) {
      error.textContent = `Topics could not be loaded: ${(e as Error).message}`;
    }
  };
  const newest = () => [...items.values()].reduce((max, { topic }) => (topic.createdAt > max ? topic.createdAt : max), "");

  pill.addEventListener("click", () => {
    const topics = [...waiting.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    waiting.clear();
    showWaiting();
    const [first] = append(topics, "top");
    // The reader asked for them: the keyboard goes to the newest one.
    first?.querySelector("a")?.focus();
  });
  more.addEventListener("click", () => void load(false));

  // Watch first, read second: a topic posted in between is in the page or on its way as TopicPosted.
  let topicList: TopicList | undefined;
  try {
    topicList = await live.watchTopics();
  } catch {
    // Not live (the hub refused): the list still loads, it just does not move.
  }
  if (closed) return;
  if (topicList) {
    const showState = () => {
      state.dataset.state = topicList!.state;
      state.textContent = topicList!.state === "live" ? "Live" : topicList!.state === "offline" ? "Offline" : "Reconnecting…";
    };
    showState();
    topicList.on("state", showState);
    topicList.on("topicPosted", ({ topic }) => {
      if (items.has(topic.id)) return;
      waiting.set(topic.id, topic);
      showWaiting();
    });
    topicList.on("topicStats", applyStats);
    topicList.on("resumed", () => void load(true));
  }
  await load(true);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function topicItem(topic: Topic): HTMLLIElement {
  const li = h("li", { class: "topic-item", "data-topic-id": topic.id },
    h("div", { class: "topic-main" },
      h("span", { class: "category" }, CATEGORY),
      h("a", { class: "topic-title", href: `#/topics/${encodeURIComponent(topic.id)}` }, topic.title),
      h("div", { class: "byline" }, avatar(topic.author), h("span", { class: "author" }, topic.author.name),
        h("span", { "aria-hidden": "true" }, "·"), timeElement(topic.createdAt), topic.locked && h("span", { class: "locked" }, "· locked"))),
    h("div", { class: "topic-stats" },
      h("span", { class: "stat replies" }),
      h("span", { class: "stat reactions" }),
      h("span", { class: "stat reading", hidden: "" })));
  renderStats(li, topic);
  return li;
}

/** Writes a topic's counts into its list item; a changed number flashes briefly. */
function renderStats(li: HTMLElement, topic: Topic, watchers?: number): void {
  const reactions = Object.values(topic.reactions).reduce((sum, n) => sum + n, 0);
  set(li.querySelector(".replies")!, plural(topic.replyCount, "reply", "replies"));
  set(li.querySelector(".reactions")!, plural(reactions, "reaction", "reactions"));
  if (watchers !== undefined) {
    const reading = li.querySelector<HTMLElement>(".reading")!;
    reading.hidden = watchers === 0;
    set(reading, `${watchers} reading now`);
  }
}

function set(element: Element, text: string): void {
  if (element.textContent === text) return;
  const changed = element.textContent !== "";
  element.textContent = text;
  if (changed) {
    element.classList.remove("changed");
    void (element as HTMLElement).offsetWidth; // restart the animation
    element.classList.add("changed");
  }
}

function newTopicForm(): HTMLElement {
  const title = h("input", { name: "title", "aria-label": "Title", placeholder: "Title", required: "" });
  const body = h("textarea", { name: "body", "aria-label": "What happened?", placeholder: "What happened?", rows: "4", required: "" });
  const sources = h("textarea", { name: "sources", "aria-label": "Source URLs, one per line", placeholder: "Source URLs, one per line", rows: "2" });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card new-topic", "aria-labelledby": "new-topic-title" },
    h("h2", { id: "new-topic-title" }, "New topic"), title, body, sources, h("button", { type: "submit" }, "Publish"), error);
  void config.then(({ limits }) => {
    title.maxLength = limits.titleMaxLength;
    body.maxLength = limits.topicBodyMaxLength;
  }, () => undefined);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const sourceUrls = sources.value.split("\n").map((s) => s.trim()).filter(Boolean);
      const topic = await client().createTopic({ title: title.value, body: body.value, sourceUrls });
      location.hash = `#/topics/${encodeURIComponent(topic.id)}`;
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  return form;
}

/** The "sign in as" picker, only where the server hands out dev tokens (GET /api/config says so; no probing). */
async function setUpPicker(): Promise<void> {
  const devTokens = await config.then((c) => c.devTokens, () => false);
  if (!devTokens) return;
  picker.parentElement!.hidden = false;
  picker.value = session ? `${session.name}|${session.role}` : "";
  picker.addEventListener("change", async () => {
    const [name, role] = picker.value.split("|");
    if (!name) session = null;
    else {
      const response = await fetch(`${server}/api/dev/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, role }) });
      const { token, userId } = (await response.json()) as { token: string; userId: string };
      session = { name, role: role ?? "member", token, userId };
    }
    sessionStorage.setItem("livecommunity:session", JSON.stringify(session));
    bell.accessToken = token; // the bell signs in as the new reader
    void updateQueueLink(server, session);
    await route();
  });
}

window.addEventListener("hashchange", () => void route());
void setUpPicker();
void updateQueueLink(server, session);
void route();
