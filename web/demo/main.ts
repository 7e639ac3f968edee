// The demo page: a list of news topics and a topic page built around <live-thread>.
// Hash routing (#/topics/{id}) keeps the server's side to static files.
import { defineLiveThreadElement, LiveCommunity, type LiveThreadElement, type Topic } from "../sdk/src/index";
import { showQueue, updateQueueLink } from "./queue";

defineLiveThreadElement();

interface Session { name: string; role: string; token: string; userId: string }

const server = location.origin;
const app = document.getElementById("app")!;
const picker = document.getElementById("sign-in") as HTMLSelectElement;
let session: Session | null = JSON.parse(sessionStorage.getItem("livecommunity:session") ?? "null") as Session | null;
const token = () => session?.token ?? "";
const client = () => new LiveCommunity({ baseUrl: server, accessToken: token });

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string | null)[]) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

async function route(): Promise<void> {
  const match = /^#\/topics\/(.+)$/.exec(location.hash);
  if (location.hash === "#/queue") showQueue(app, server, session);
  else if (match) showTopic(decodeURIComponent(match[1]!));
  else await showList();
}

function showTopic(topicId: string): void {
  const thread = document.createElement("live-thread") as LiveThreadElement;
  thread.accessToken = token;
  thread.setAttribute("server", server);
  thread.setAttribute("topic", topicId);
  app.replaceChildren(
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" },
      h("ol", {}, h("li", {}, h("a", { href: "#/" }, "Community")), h("li", {}, h("a", { href: "#/" }, "News")))),
    h("div", { class: "card" }, thread),
  );
  document.title = "Topic · LiveCommunity";
}

async function showList(): Promise<void> {
  const list = h("ul", { class: "topic-list" });
  const more = h("button", { class: "more", type: "button", hidden: "" }, "More topics");
  const error = h("p", { class: "error", role: "alert" });
  app.replaceChildren(
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {}, h("li", {}, "Community"), h("li", {}, "News"))),
    h("section", { class: "card" }, h("h1", {}, "News"), list, more, error),
  );
  if (session && (session.role === "moderator" || session.role === "admin")) app.append(newTopicForm());
  document.title = "News · LiveCommunity";

  let cursor: string | undefined;
  const load = async () => {
    try {
      const page = await client().topics(20, cursor);
      list.append(...page.items.map(topicItem));
      if (list.childElementCount === 0) list.append(h("li", { class: "muted" }, "No topics yet."));
      cursor = page.nextCursor ?? undefined;
      more.hidden = !cursor;
    } catch (e) {
      error.textContent = `Topics could not be loaded: ${(e as Error).message}`;
    }
  };
  more.addEventListener("click", () => void load());
  await load();
}

function topicItem(topic: Topic): HTMLLIElement {
  const replies = `${topic.replyCount} ${topic.replyCount === 1 ? "reply" : "replies"}`;
  return h("li", {},
    h("a", { href: `#/topics/${encodeURIComponent(topic.id)}` }, topic.title),
    h("div", { class: "muted" }, `${topic.author.name} · ${new Date(topic.createdAt).toLocaleString()} · ${replies}${topic.locked ? " · locked" : ""}`));
}

function newTopicForm(): HTMLElement {
  const title = h("input", { name: "title", placeholder: "Title", required: "" });
  const body = h("textarea", { name: "body", placeholder: "What happened?", rows: "4", required: "" });
  const sources = h("textarea", { name: "sources", placeholder: "Source URLs, one per line", rows: "2" });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card new-topic" }, h("h2", {}, "New topic"), title, body, sources, h("button", { type: "submit" }, "Publish"), error);
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

/** Dev tokens exist only where the server has Auth:DevTokens on; elsewhere the picker stays hidden. */
async function setUpPicker(): Promise<void> {
  const probe = await fetch(`${server}/api/dev/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }).catch(() => null);
  if (!probe || probe.status === 404 || probe.status === 405) return;
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
    void updateQueueLink(server, session);
    await route();
  });
}

window.addEventListener("hashchange", () => void route());
void setUpPicker();
void updateQueueLink(server, session);
void route();
