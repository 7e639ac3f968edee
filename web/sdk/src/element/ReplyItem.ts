// One reply of <live-thread> as a list item: its head, text and reactions, and the actions the viewer may take
// on it (answer, report, mute, feature, remove, ban).
import type { LiveCommunity } from "../LiveCommunity";
import type { LiveThread } from "../LiveThread";
import type { Author, Reply } from "../types";
import type { Composer } from "./Composer";
import { authorLabel, avatar, canModerate, h, runAction, timeElement, type Viewer } from "./dom";
import type { ReactionBar } from "./ReactionBar";
import { openReportDialog } from "./reportDialog";

export class ReplyItems {
  /** Replies this reader reported (this session), so their button keeps saying "Reported". */
  private readonly reported: Set<string>;

  /** `muted` runs once the reader muted a reply's author. */
  constructor(
    private readonly root: ShadowRoot | HTMLElement,
    private readonly client: LiveCommunity,
    private readonly thread: LiveThread,
    private readonly viewer: Viewer,
    private readonly reactions: ReactionBar,
    private readonly composer: Composer,
    private readonly muted: (author: Author) => void,
  ) {
    this.reported = new Set(JSON.parse(sessionStorage.getItem(this.reportedKey) ?? "[]") as string[]);
  }

  /** Moderators, admins and journalists feature replies; the server checks it again. */
  private get canFeature(): boolean {
    return canModerate(this.viewer) || this.viewer.role === "journalist";
  }

  private get reportedKey(): string {
    return `livecommunity:reported:${this.viewer.userId ?? "anon"}`;
  }

  render(reply: Reply): HTMLLIElement {
    const parent = reply.parentId ? this.thread.replies.find((r) => r.id === reply.parentId) : undefined;
    const reactions = h("div", { class: "reactions", role: "group", "aria-label": `Reactions to ${reply.author.name}'s reply` });
    this.reactions.render(reactions, reply.id, reply.reactions);
    const error = h("p", { class: "error", role: "alert" });
    const held = reply.status === "pending";
    const li = h("li", { class: `reply${reply.author.id === this.viewer.userId ? " mine" : ""}${held ? " held" : ""}`, "data-reply-id": reply.id },
      h("div", { class: "reply-head" },
        avatar(reply.author),
        ...authorLabel(reply.author),
        timeElement(reply.createdAt),
        reply.editedAt && h("span", { class: "edited" }, "(edited)"),
        held && h("span", { class: "badge held-badge" }, "Awaiting review"),
      ),
      parent && h("p", { class: "hint in-reply-to" }, `↳ in reply to ${parent.author.name}`),
      h("p", { class: "reply-body" }, reply.body),
    );
    if (held) {
      // Only its author (and moderators) can see it; nothing to react to or answer until it is published.
      li.append(h("p", { class: "hint" }, reply.author.id === this.viewer.userId
        ? "Only you can see this reply until a moderator approves it."
        : "Held for review: readers do not see it yet."));
      return li;
    }
    const actions = h("div", { class: "actions" }, reactions);
    if (this.viewer.userId && !this.thread.topic.locked) {
      const answer = h("button", { type: "button", class: "link" }, "Reply");
      answer.addEventListener("click", () => this.composer.setReplyTo(reply));
      actions.append(answer);
    }
    if (this.viewer.userId && reply.author.id !== this.viewer.userId) {
      actions.append(this.reportButton(reply, error));
      const mute = h("button", { type: "button", class: "link mute", "aria-label": `Mute ${reply.author.name}` }, "Mute");
      mute.addEventListener("click", () => runAction(error, async () => {
        await this.client.mute(reply.author.id);
        this.muted(reply.author);
      }));
      actions.append(mute);
    }
    if (this.canFeature) {
      const feature = h("button", { type: "button", class: "link feature" }, reply.featured ? "Unfeature" : "Feature");
      feature.addEventListener("click", () => runAction(error, () => this.thread.setFeatured(reply.id, !reply.featured)));
      actions.append(feature);
    }
    if (canModerate(this.viewer)) {
      const remove = h("button", { type: "button", class: "link danger remove" }, "Remove");
      remove.addEventListener("click", () => this.openModForm(li, error, "Remove reply", false, (reason) => this.thread.removeReply(reply.id, reason)));
      actions.append(remove);
      if (reply.author.id !== this.viewer.userId) {
        const ban = h("button", { type: "button", class: "link danger ban" }, `Ban ${reply.author.name}`);
        ban.addEventListener("click", () => this.openModForm(li, error, `Ban ${reply.author.name}`, true,
          (reason, removeReplies) => this.client.ban(reply.author.id, reason, removeReplies)));
        actions.append(ban);
      }
    }
    li.append(actions, error);
    return li;
  }

  /** "Report" asks for a reason in a dialog; afterwards it says "Reported" (reporting again would change nothing). */
  private reportButton(reply: Reply, error: HTMLElement): HTMLButtonElement {
    const done = this.reported.has(reply.id);
    const button = h("button", { type: "button", class: "link report", "aria-label": done ? `Reported ${reply.author.name}'s reply` : `Report ${reply.author.name}'s reply`, "aria-disabled": done ? "true" : undefined },
      done ? "Reported" : "Report");
    if (done) return button;
    button.addEventListener("click", () => {
      if (this.reported.has(reply.id)) return;
      error.textContent = "";
      openReportDialog(this.root, reply.author.name, button, async (reason, note) => {
        await this.client.report(reply.id, reason, note);
        this.reported.add(reply.id);
        sessionStorage.setItem(this.reportedKey, JSON.stringify([...this.reported]));
        button.textContent = "Reported";
        button.setAttribute("aria-label", `Reported ${reply.author.name}'s reply`);
        button.setAttribute("aria-disabled", "true");
      });
    });
    return button;
  }

  /** An inline form asking for a reason, instead of a blocking prompt(). */
  private openModForm(li: HTMLElement, error: HTMLElement, label: string, offerRemoveAll: boolean, action: (reason: string, removeReplies: boolean) => Promise<void>): void {
    li.querySelector(".mod-form")?.remove();
    const reason = h("input", { type: "text", name: "reason", placeholder: "Reason (shown in the moderation log)", "aria-label": "Reason" });
    const removeAll = h("input", { type: "checkbox", name: "removeReplies" });
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h("form", { class: "mod-form" },
      reason,
      offerRemoveAll && h("label", { class: "hint" }, removeAll, " also remove their replies"),
      h("button", { type: "submit", class: "danger confirm" }, label),
      cancel,
    );
    cancel.addEventListener("click", () => form.remove());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void runAction(error, async () => {
        await action(reason.value.trim(), removeAll.checked);
        form.remove();
      });
    });
    li.insertBefore(form, error);
    reason.focus();
  }
}
