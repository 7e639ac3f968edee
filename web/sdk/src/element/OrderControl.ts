// The Oldest / Newest / Top choice of <live-thread>: a labelled native select, so keyboard and screen readers
// work as everywhere else on the page.
import type { ReplyOrder } from "../types";
import { h } from "./dom";

const LABELS: Record<ReplyOrder, string> = { oldest: "Oldest", newest: "Newest", top: "Top" };

export class OrderControl {
  private readonly select = h("select", { id: "lc-order", class: "order" });
  readonly element = h("span", { class: "order-control" }, h("label", { for: "lc-order" }, "Sort replies "), this.select);

  private settled: Promise<unknown> = Promise.resolve();

  /**
   * `change` runs for each choice, one after another, so the last choice is the list shown. The select stays
   * enabled (disabling it would drop the keyboard focus); it is aria-busy while a list loads.
   */
  constructor(current: ReplyOrder, change: (order: ReplyOrder) => Promise<unknown>) {
    for (const [order, label] of Object.entries(LABELS)) this.select.append(h("option", { value: order }, label));
    this.select.value = current;
    this.select.addEventListener("change", () => {
      const order = this.select.value as ReplyOrder;
      this.select.setAttribute("aria-busy", "true");
      const done = (this.settled = this.settled.then(() => change(order)));
      void done.finally(() => {
        if (this.settled === done) this.select.removeAttribute("aria-busy");
      });
    });
  }
}
