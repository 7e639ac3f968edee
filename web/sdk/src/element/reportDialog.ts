import { REPORT_NOTE_MAX, REPORT_REASONS, type ReportReason } from "../moderationTypes";
import { openDialog } from "./dialog";
import { h } from "./dom";

const REASON_TEXT: Record<ReportReason, string> = {
  spam: "Spam or advertising",
  abuse: "Abuse or harassment",
  "off-topic": "Off topic",
  other: "Something else",
};

/** Asks a reader why they report a reply (a reason, an optional note), then sends it with `send`. */
export function openReportDialog(
  root: ShadowRoot | HTMLElement,
  authorName: string,
  returnFocus: HTMLElement,
  send: (reason: ReportReason, note: string | undefined) => Promise<unknown>,
): HTMLDialogElement {
  const radios = REPORT_REASONS.map((reason) => h("input", { type: "radio", name: "reason", value: reason, required: true }));
  const note = h("textarea", { name: "note", maxlength: REPORT_NOTE_MAX, rows: 3, "aria-describedby": "lc-report-note-hint" });
  const noteField = h("div", { class: "field" },
    h("label", {}, "Note for the moderators", note),
    h("span", { class: "hint", id: "lc-report-note-hint" }, `Optional, up to ${REPORT_NOTE_MAX} characters.`),
  );
  const fieldset = h("fieldset", { class: "reasons" },
    h("legend", {}, "Why should the moderators look at it?"),
    ...radios.map((radio, i) => h("label", { class: "choice" }, radio, " ", REASON_TEXT[REPORT_REASONS[i]!])),
  );
  return openDialog(root, {
    title: `Report ${authorName}'s reply`,
    fields: [fieldset, noteField],
    submitLabel: "Send report",
    initialFocus: radios[0],
    returnFocus,
    onSubmit: async () => {
      const reason = radios.find((radio) => radio.checked)?.value as ReportReason | undefined;
      if (!reason) throw new Error("Choose a reason.");
      const text = note.value.trim();
      await send(reason, text ? text.slice(0, REPORT_NOTE_MAX) : undefined);
    },
  });
}
