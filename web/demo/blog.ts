// The demo topic page's live blog: <live-blog> above the discussion, and for the newsroom (journalists,
// moderators, admins) a small form that posts an update. Readers see the section only once the blog has updates.
import { defineLiveBlogElement, LiveCommunity, type LiveBlogElement } from "../sdk/src/index";

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

/** The section: hidden by the style sheet while `<live-blog data-updates="0">`, unless the viewer may post. */
export function blogSection(server: string, topicId: string, viewer: Viewer | null): HTMLElement {
  const blog = document.createElement("live-blog") as LiveBlogElement;
  blog.accessToken = () => viewer?.token ?? "";
  blog.setAttribute("server", server);
  blog.setAttribute("topic", topicId);
  const section = el("section", { class: "card blog-card", "aria-label": "Live blog" }, blog);
  if (postsUpdates(viewer)) {
    section.classList.add("can-post");
    section.append(composeForm(server, topicId, viewer));
  }
  return section;
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
  const client = new LiveCommunity({ baseUrl: server, accessToken: () => viewer.token });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await client.api.postUpdate(topicId, { body: body.value, keyEvent: keyEvent.checked, pinned: pinned.checked });
      form.reset();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  return form;
}
