import type { LiveThread } from "../LiveThread";
import type { Reactions } from "../types";
import { h, runAction } from "./dom";
import { keepFocus } from "./focus";

const REACTION_LABELS: Record<string, string> = { like: "Like", insightful: "Insightful", disagree: "Disagree" };

/** The reaction buttons of the topic and of each reply in `<live-thread>`. */
export class ReactionBar {
  /** `errorBox` shows a refused reaction; without `signedIn` the buttons only show the counts. */
  constructor(
    private readonly root: ShadowRoot | HTMLElement,
    private readonly thread: LiveThread,
    private readonly signedIn: boolean,
    private readonly errorBox: HTMLElement,
  ) {}

  /**
   * Toggle buttons whose pressed state is the reader's own reaction as the server knows it (`mine`), so it is
   * right in a fresh session and on another device. A press shows at once and settles with the server's answer.
   */
  render(container: HTMLElement, replyId: string | null, reactions: Reactions): void {
    const mine = this.thread.mine(replyId);
    const buttons = Object.entries(reactions).map(([kind, count]) => {
      const pressed = mine.includes(kind);
      const button = h("button", { type: "button", "data-kind": kind, "aria-pressed": String(pressed), disabled: !this.signedIn },
        `${REACTION_LABELS[kind] ?? kind} `, h("span", { class: "count" }, String(count)));
      button.addEventListener("click", async () => {
        button.setAttribute("aria-pressed", String(!pressed));
        // The thread takes the answer's counts and mine and emits reactionsChanged, which re-renders this bar.
        if (!(await runAction(this.errorBox, () => this.thread.react(replyId, kind, !pressed)))) {
          button.setAttribute("aria-pressed", String(pressed));
        }
      });
      return button;
    });
    keepFocus(this.root, container, container, () => container.replaceChildren(...buttons));
  }
}
