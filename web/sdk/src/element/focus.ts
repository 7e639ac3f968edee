// Re-rendering replaces buttons: the keyboard focus has to follow to the new copy of the one that had it.

/**
 * Runs a re-render that replaces `before`'s content (or `before` itself with `after`) and puts the keyboard
 * focus back on the matching control, so a reader pressing Enter on "Like" stays on "Like".
 */
export function keepFocus(root: ShadowRoot | HTMLElement, before: HTMLElement, after: HTMLElement, render: () => void): void {
  const focused = (root instanceof ShadowRoot ? root.activeElement : document.activeElement) as HTMLElement | null;
  const selector = focused && before.contains(focused) && focused !== before ? focusSelector(focused) : null;
  render();
  if (selector) after.querySelector<HTMLElement>(selector)?.focus();
}

/** How to find a control again in a re-rendered copy: reaction buttons by kind, other buttons by their classes. */
function focusSelector(element: HTMLElement): string | null {
  if (element.dataset.kind) return `button[data-kind="${CSS.escape(element.dataset.kind)}"]`;
  const classes = [...element.classList].map((c) => `.${CSS.escape(c)}`).join("");
  return classes ? `${element.tagName.toLowerCase()}${classes}` : null;
}
