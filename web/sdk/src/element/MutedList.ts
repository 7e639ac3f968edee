// "Muted (N)" under <live-thread>'s replies: whom the reader muted, each with an Unmute button. Names are the
// ones this page saw (on their replies, or when muting); an author it never saw is shown by id.
import { h } from "./dom";

export class MutedList {
  private readonly names = new Map<string, string>();
  private readonly summary = h("summary", {});
  private readonly list = h("ul", { class: "muted-users" });
  private readonly error = h("p", { class: "error", role: "alert" });
  readonly element = h("details", { class: "muted-list", hidden: true }, this.summary, this.list, this.error);

  /** `unmute` does the work (server and list); a failure is shown here, next to the button. */
  constructor(private readonly unmute: (userId: string) => Promise<void>) {}

  remember(userId: string, name: string): void {
    this.names.set(userId, name);
  }

  render(muted: ReadonlySet<string>): void {
    this.element.hidden = muted.size === 0;
    this.summary.textContent = `Muted (${muted.size})`;
    this.list.replaceChildren(...[...muted].map((userId) => {
      const name = this.names.get(userId) ?? userId;
      const button = h("button", { type: "button", class: "link unmute", "aria-label": `Unmute ${name}` }, "Unmute");
      button.addEventListener("click", () => void this.run(userId));
      return h("li", {}, h("span", { class: "muted-name" }, name), " ", button);
    }));
  }

  private async run(userId: string): Promise<void> {
    this.error.textContent = "";
    try {
      await this.unmute(userId);
      this.summary.focus(); // the button is gone: keep the keyboard in the disclosure
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
  }
}
