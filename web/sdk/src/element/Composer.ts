// The reply box of <live-thread>: text, the character counter, whom the reply answers, and posting.
import type { LiveThread } from "../LiveThread";
import type { Reply } from "../types";
import { CharacterCounter } from "./CharacterCounter";
import { h, runAction } from "./dom";

export class Composer {
  private readonly textarea = h("textarea", { name: "body", "aria-label": "Your reply", placeholder: "Write a reply…" });
  private readonly replyingTo = h("span", { class: "hint" });
  private readonly submit = h("button", { type: "submit", class: "primary" }, "Post reply");
  private readonly error = h("p", { class: "error", role: "alert" });
  private readonly counter: CharacterCounter | undefined;
  private posting = false;
  private replyTo: Reply | null = null;
  readonly element = h("form", { class: "composer" });

  /** `limit`: the server's reply limit, counted against while typing; `posted` runs after each reply sent. */
  constructor(private readonly thread: LiveThread, limit: number | undefined, private readonly posted: () => void) {
    if (limit) this.counter = new CharacterCounter(this.textarea, this.submit, limit, "lc-reply-count");
    this.element.append(
      this.textarea,
      h("div", { class: "row" }, this.replyingTo, h("span", { class: "send" }, this.counter?.element, this.submit)),
      this.error,
    );
    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.post();
    });
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.element.requestSubmit();
    });
  }

  dispose(): void {
    this.counter?.dispose();
  }

  /** The topic changed: a locked topic takes no replies. */
  render(): void {
    this.textarea.disabled = this.thread.topic.locked;
    this.setSubmitBlocked();
  }

  setReplyTo(reply: Reply | null): void {
    this.replyTo = reply;
    if (!reply) {
      this.replyingTo.replaceChildren();
      return;
    }
    const cancel = h("button", { type: "button", class: "link" }, "cancel");
    cancel.addEventListener("click", () => this.setReplyTo(null));
    this.replyingTo.replaceChildren(`Replying to ${reply.author.name} `, cancel);
    this.textarea.focus();
  }

  private async post(): Promise<void> {
    const body = this.textarea.value.trim();
    if (!body || this.posting) return;
    if (this.counter && this.counter.over > 0) {
      // Ctrl+Enter submits even with the button disabled: say why nothing is sent.
      this.error.textContent = this.counter.describeOver();
      return;
    }
    this.posting = true;
    this.setSubmitBlocked();
    const ok = await runAction(this.error, () => this.thread.postReply(body, this.replyTo?.id));
    this.posting = false;
    this.setSubmitBlocked();
    if (ok) {
      if (this.textarea.value.trim() === body) this.textarea.value = ""; // keep what was typed meanwhile
      this.counter?.update();
      this.setReplyTo(null);
      this.posted();
    }
  }

  /**
   * The submit button is disabled in a locked topic and (the counter's part) over the limit. While a reply is
   * being sent it only says so (aria-disabled): disabling it would drop a keyboard reader's focus to the page.
   */
  private setSubmitBlocked(): void {
    const locked = this.thread.topic.locked;
    if (this.counter) this.counter.setBlocked(locked);
    else this.submit.disabled = locked;
    if (this.posting) this.submit.setAttribute("aria-disabled", "true");
    else this.submit.removeAttribute("aria-disabled");
  }
}
