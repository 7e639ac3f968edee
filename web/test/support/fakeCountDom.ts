import assert from "node:assert/strict";

/** Just enough of a DOM for counts(): elements with the attribute, and their text. */
export class FakeElement {
  textContent: string | null = "";
  constructor(readonly articleId: string) {}
  getAttribute(name: string): string | null {
    return name === "data-livecommunity-count" ? this.articleId : null;
  }
}

export class FakeRoot {
  elements: FakeElement[] = [];
  add<T extends string[]>(...articleIds: T): { [K in keyof T]: FakeElement } {
    const added = articleIds.map((id) => new FakeElement(id));
    this.elements.push(...added);
    return added as { [K in keyof T]: FakeElement };
  }
  querySelectorAll(selector: string): FakeElement[] {
    assert.equal(selector, "[data-livecommunity-count]");
    return this.elements;
  }
}

