// Styles shared by the report dialog in <live-thread> and by <moderation-queue>: the modal dialog, badges,
// a held reply. They use the same --lc-* properties (through the --_* names that styles.ts defines).
export const moderationStyles: string = `
.badge { display: inline-block; font-size: .8em; font-weight: 600; padding: .05em .6em; border-radius: 999px; border: 1px solid currentColor; }
.held-badge, .badge.pending { color: var(--_warn); }
.badge.hidden-flag { color: var(--_danger); }
.badge.reported { color: var(--_accent); }
.badge.author-badge { color: var(--_accent); }
.reply.held { border: 1px dashed var(--_warn); }
button.report[aria-disabled="true"] { cursor: default; font-style: italic; }
.lc-dialog { color: var(--_text); background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1.1em 1.3em; width: min(28em, calc(100vw - 2em)); box-shadow: 0 8px 32px rgba(0,0,0,.3); }
.lc-dialog::backdrop { background: rgba(0,0,0,.45); }
.lc-dialog h2 { margin: 0 0 .7em; }
.dialog-form { display: grid; gap: .8em; }
.dialog-form fieldset { border: 0; padding: 0; margin: 0; display: grid; gap: .35em; }
.dialog-form legend { font-weight: 600; margin-bottom: .3em; padding: 0; }
.dialog-form .choice { display: flex; gap: .5em; align-items: center; cursor: pointer; }
.dialog-form .field { display: grid; gap: .25em; }
.dialog-form .field label { display: grid; gap: .3em; font-weight: 600; }
.dialog-form textarea, .dialog-form input[type="text"] { width: 100%; padding: .45em .6em; border: 1px solid var(--_border); border-radius: 6px; background: var(--_bg); font-weight: normal; }
.dialog-form input[type="radio"] { accent-color: var(--_accent); width: 1.05em; height: 1.05em; margin: 0; }
.dialog-form input:focus-visible, .dialog-form textarea:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.dialog-buttons { display: flex; justify-content: flex-end; gap: .5em; }
button.primary.danger { background: var(--_danger); border-color: var(--_danger); color: var(--_accent-text); }
`;
