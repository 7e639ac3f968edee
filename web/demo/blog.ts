// The demo topic page's live blog: <live-blog> above the discussion, and for the newsroom (journalists,
// moderators, admins) a small form that posts an update. Readers see the section only once the blog has updates.
import { LiveCommunity, UpdateApi } from "../sdk/src/index";
import { defineLiveBlogElement, type LiveBlogElement, type LiveThreadElement } from "../sdk/src/elements";

defineLiveBlogElement();

interface Viewer { role: string; token: string }

const postsUpdates = (viewer: Viewer | null): viewer is Viewer =>
  viewer?.role === "journalist" || viewer?.role === "moderator" || viewer?.role === "admin";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * The section. Readers get a <live-blog> only when the topic has updates (an empty blog is only noise), or when
 * the thread they read (the <live-thread> of the page, whose watch carries the update events) sees the first one
 * arrive. The blog's own connection holds an updates-only watch, which the topic does not count in "N reading
 * now". The newsroom always gets it, with the form.
 */
export function blogSection(server: string, topicId: string, viewer: Viewer | null, thread: LiveThreadElement): HTMLElement {
  const section = el("section", { class: "card blog-card", "aria-label": "Live blog" });
  const show = () => {
    if (section.querySelector("live-blog")) return;
    const blog = document.createElement("live-blog") as LiveBlogElement;
    blog.accessToken = () => viewer?.token ?? "";
    blog.setAttribute("server", server);
    blog.setAttribute("topic", topicId);
    section.prepend(blog);
  };
  if (postsUpdates(viewer)) {
    section.classList.add("can-post");
    show();
    section.append(composeForm(server, topicId, viewer));
  } else void showWhenUpdated(thread, topicId, show);
  return section;
}

/** Shows the blog when the topic has updates, or once the page's thread hears its first one. */
async function showWhenUpdated(thread: LiveThreadElement, topicId: string, show: () => void): Promise<void> {
  // Once the element shows its thread (section.replies), its client holds the loaded thread, and watch()
  // hands out that one; asked earlier, the element would be given one not loaded yet.
  const root = thread.shadowRoot!;
  await new Promise<void>((shown) => {
    const observer = new MutationObserver(() => {
      if (!root.querySelector("section.replies")) return;
      observer.disconnect();
      shown();
    });
    observer.observe(root, { childList: true });
  });
  const client = thread.client;
  if (!client) return;
  try {
    const watched = await client.watch(topicId);
    const stop = watched.on("update", ({ type }) => {
      if (type !== "UpdatePosted") return;
      stop();
      show();
    });
    if ((await client.api.getTopic(topicId)).updateCount) show();
  } catch {
    // The thread says itself that the topic could not be loaded; there is no blog to show either.
  }
}

function composeForm(server: string, topicId: string, viewer: Viewer): HTMLFormElement {
  const body = el("textarea", { name: "body", rows: "3", required: "", "aria-label": "Update (Markdown)", placeholder: "What happened? (Markdown: *emphasis*, [links](https://…), lists, > quotes)" });
  const keyEvent = el("input", { type: "checkbox", name: "keyEvent" });
  const pinned = el("input", { type: "checkbox", name: "pinned" });
  const error = el("p", { class: "error", role: "alert" });
  const form = el("form", { class: "new-topic update-form", "aria-label": "Post a live update" },
    body,
    el("div", { class: "update-flags" }, el("label", {}, keyEvent, " Key event"), el("label", {}, pinned, " Pinned")),
    el("button", { type: "submit" }, "Post update"), error);
  const api = new UpdateApi(new LiveCommunity({ baseUrl: server, accessToken: () => viewer.token }).api);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await api.postUpdate(topicId, { body: body.value, keyEvent: keyEvent.checked, pinned: pinned.checked });
      form.reset();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  return form;
}
