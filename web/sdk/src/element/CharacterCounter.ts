import { h } from "./dom";

const number = new Intl.NumberFormat();
/** Announce the count to screen readers only near or past the limit, and only once typing pauses. */
const NEAR_SHARE = 0.1;
const ANNOUNCE_AFTER_MS = 700;

/**
 * Counts a textarea's characters against the server's limit (`GET /api/config`) the way the server does: the
 * trimmed text's JavaScript length. Past the limit the field is marked invalid and the submit button is
 * disabled, so the reader learns it before sending; a screen reader hears the count when typing pauses near
 * or past the limit instead of after every key.
 */
export class CharacterCounter {
  /** Visible "120 / 5,000" (the textarea is described by it) and the screen readers' live region. */
  readonly element: HTMLElement;
  private readonly visible: HTMLElement;
  private readonly announcer = h("span", { class: "visually-hidden", "aria-live": "polite" });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastAnnounced = "";
  private blocked = false;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly submit: HTMLButtonElement,
    private readonly limit: number,
    id: string,
  ) {
    this.visible = h("span", { id });
    this.element = h("span", { class: "char-count" }, this.visible, this.announcer);
    textarea.setAttribute("aria-describedby", id);
    textarea.addEventListener("input", () => this.update());
    this.update();
  }

  /** Characters over the limit (0 when within it). */
  get over(): number {
    return Math.max(0, this.length - this.limit);
  }

  private get length(): number {
    return this.textarea.value.trim().length;
  }

  /** Sets the submit button's state; `blocked` is the caller's own reason (sending, topic locked). */
  setBlocked(blocked: boolean): void {
    this.blocked = blocked;
    this.submit.disabled = blocked || this.over > 0;
  }

  /** The sentence that says what is wrong, for an error message when the reader tries to send anyway. */
  describeOver(): string {
    return `Your reply is ${number.format(this.over)} ${this.over === 1 ? "character" : "characters"} too long: at most ${number.format(this.limit)}.`;
  }

  update(): void {
    const length = this.length;
    const over = length > this.limit;
    this.visible.textContent = over
      ? `${number.format(length)} / ${number.format(this.limit)}: ${number.format(length - this.limit)} too many`
      : `${number.format(length)} / ${number.format(this.limit)}`;
    this.element.classList.toggle("over", over);
    this.element.classList.toggle("near", !over && this.limit - length <= this.limit * NEAR_SHARE);
    if (over) this.textarea.setAttribute("aria-invalid", "true");
    else this.textarea.removeAttribute("aria-invalid");
    this.submit.disabled = this.blocked || over;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.announce(length), ANNOUNCE_AFTER_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private announce(length: number): void {
    const left = this.limit - length;
    const text = left < 0
      ? `${number.format(-left)} ${left === -1 ? "character" : "characters"} over the limit of ${number.format(this.limit)}`
      : left <= this.limit * NEAR_SHARE ? `${number.format(left)} ${left === 1 ? "character" : "characters"} left` : "";
    if (text === this.lastAnnounced) return;
    this.lastAnnounced = text;
    this.announcer.textContent = text;
  }
}
