import { h } from "./dom";

export interface DialogOptions {
  /** The dialog's heading, which is also its accessible name. */
  title: string;
  /** The form's fields. */
  fields: Node[];
  submitLabel: string;
  /** Extra class of the submit button ("danger" for a destructive action). */
  submitClass?: string;
  /** Where focus starts; default the first field that can take it. */
  initialFocus?: HTMLElement;
  /** Runs on submit; the dialog closes when it resolves, and shows the error as text when it rejects. */
  onSubmit: () => Promise<void>;
  /** Runs once the dialog has closed (sent or not), before focus goes back. */
  onClose?: (sent: boolean) => void;
  /** Gets focus back when the dialog closes (the button that opened it), if it is still on the page. */
  returnFocus?: HTMLElement | null;
}

let nextId = 0;

/**
 * A modal form in a native `<dialog>`: focus moves into it and stays there, Escape and Cancel close it,
 * focus goes back to what opened it. Used for reports, rejections and reasons.
 */
export function openDialog(root: ShadowRoot | HTMLElement, options: DialogOptions): HTMLDialogElement {
  const id = `lc-dialog-${++nextId}`;
  const error = h("p", { class: "error", role: "alert" });
  const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
  const submit = h("button", { type: "submit", class: `primary send${options.submitClass ? ` ${options.submitClass}` : ""}` }, options.submitLabel);
  const form = h("form", { class: "dialog-form" }, ...options.fields, error, h("div", { class: "dialog-buttons" }, cancel, submit));
  const dialog = h("dialog", { class: "lc-dialog", "aria-labelledby": id }, h("h2", { id }, options.title), form);

  let sent = false;
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.onClose?.(sent);
    if (options.returnFocus?.isConnected) options.returnFocus.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      await options.onSubmit();
      sent = true;
      dialog.close();
    } catch (failure) {
      error.textContent = (failure as Error).message;
    } finally {
      submit.disabled = false;
    }
  });

  root.append(dialog);
  dialog.showModal();
  const first = options.initialFocus ?? form.querySelector<HTMLElement>("input, textarea, select, button");
  first?.focus();
  return dialog;
}
