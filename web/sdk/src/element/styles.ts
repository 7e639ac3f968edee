// The element's look. Hosts theme it with --lc-* custom properties (they pierce the shadow root);
// each has a light and a dark default, picked by prefers-color-scheme.
export const styles: string = `
:host {
  display: block;
  container-type: inline-size;
  font: var(--lc-font, 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_text: var(--lc-text, #1c1e21);
  --_muted: var(--lc-muted, #5f6670);
  --_bg: var(--lc-bg, #ffffff);
  --_surface: var(--lc-surface, #f4f5f7);
  --_border: var(--lc-border, #dde1e6);
  --_accent: var(--lc-accent, #0a66c2);
  --_accent-text: var(--lc-accent-text, #ffffff);
  --_danger: var(--lc-danger, #c62828);
  --_live: var(--lc-live, #1e8e3e);
  --_warn: var(--lc-warn, #b26a00);
  --_radius: var(--lc-radius, 10px);
  color: var(--_text);
  background: var(--_bg);
}
@media (prefers-color-scheme: dark) {
  :host {
    --_text: var(--lc-text, #e4e6eb);
    --_muted: var(--lc-muted, #a0a6ad);
    --_bg: var(--lc-bg, #18191a);
    --_surface: var(--lc-surface, #242526);
    --_border: var(--lc-border, #3a3b3c);
    --_accent: var(--lc-accent, #4d9fff);
    --_accent-text: var(--lc-accent-text, #0b1320);
    --_danger: var(--lc-danger, #ff6b6b);
    --_live: var(--lc-live, #4cc26a);
    --_warn: var(--lc-warn, #f0b43c);
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
h1 { font-size: 1.6em; line-height: 1.25; margin: 0 0 .4em; }
h2 { font-size: 1.15em; margin: 0; }
.meta, .reply-head, .hint { color: var(--_muted); font-size: .9em; }
.category { margin: 0 0 .5em; display: inline-block; font-size: .75em; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--_accent); background: color-mix(in srgb, var(--_accent) 12%, transparent); border-radius: 999px; padding: .15em .7em; }
.meta { display: flex; flex-wrap: wrap; gap: .35em .6em; align-items: center; margin: 0 0 1em; }
.author { font-weight: 600; color: var(--_text); }
.featured { border-left: 3px solid var(--_accent); padding: .2em 0 .2em .9em; margin: 0 0 1em; }
.featured h2 { font-size: 1em; }
.featured-list { list-style: none; margin: .4em 0 0; padding: 0; display: grid; gap: .6em; }
.avatar { display: inline-grid; place-items: center; flex: none; width: 2.1em; height: 2.1em; border-radius: 50%; background: hsl(var(--hue, 210) 50% 32%); color: #fff; font-weight: 700; font-size: .85em; line-height: 1; }
.reply-head .avatar { width: 1.9em; height: 1.9em; font-size: .8em; align-self: center; }
time { white-space: nowrap; }
time[title] { cursor: help; text-decoration: underline dotted color-mix(in srgb, currentColor 45%, transparent); text-underline-offset: 3px; }
.body, .reply-body { white-space: pre-wrap; overflow-wrap: anywhere; }
.body { margin: 0 0 1em; }
.sources { margin: 0 0 1em; padding: .6em .9em; background: var(--_surface); border-radius: var(--_radius); font-size: .9em; }
.sources h2 { font-size: .8em; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--_muted); margin: 0 0 .3em; }
.source-list { list-style: none; margin: 0; padding: 0; display: grid; gap: .25em; }
.source-list li { display: flex; align-items: baseline; gap: .5em; min-width: 0; }
.source-list a { font-weight: 600; flex: none; }
.source-path { color: var(--_muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
a { color: var(--_accent); }
button, textarea, input { font: inherit; color: inherit; }
button { cursor: pointer; border: 1px solid var(--_border); background: var(--_surface); border-radius: 999px; padding: .25em .8em; }
button:hover:not(:disabled) { border-color: var(--_accent); }
button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
button:disabled, button[aria-disabled="true"] { opacity: .55; cursor: default; }
button.primary { background: var(--_accent); color: var(--_accent-text); border-color: var(--_accent); font-weight: 600; }
button.danger { color: var(--_danger); }
button.link { border: 0; background: none; padding: 0 .2em; color: var(--_muted); font-size: .9em; }
.reactions { display: flex; flex-wrap: wrap; gap: .4em; }
.reactions button[aria-pressed="true"] { border-color: var(--_accent); color: var(--_accent); font-weight: 600; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: .6em 1em; padding: .6em 0; border-top: 1px solid var(--_border); border-bottom: 1px solid var(--_border); margin-bottom: 1em; }
.bar .actions { margin-left: auto; }
.counters { display: inline-flex; flex-wrap: wrap; gap: .3em .9em; color: var(--_muted); font-size: .9em; }
.counter { white-space: nowrap; }
.status { display: inline-flex; align-items: center; gap: .4em; font-size: .85em; color: var(--_muted); }
.status .dot { width: .6em; height: .6em; border-radius: 50%; background: var(--_muted); }
.status[data-state="live"] .dot { background: var(--_live); }
.status[data-state="reconnecting"] .dot, .status[data-state="connecting"] .dot { background: var(--_warn); animation: pulse 1s infinite alternate; }
.status[data-state="offline"] .dot { background: var(--_danger); }
@keyframes pulse { to { opacity: .3; } }
.locked-note { background: var(--_surface); border-left: 3px solid var(--_warn); padding: .5em .8em; border-radius: 4px; }
.replies-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1em; margin: 1.2em 0 .6em; }
.composer { display: grid; gap: .5em; margin-bottom: 1em; }
.composer textarea { width: 100%; min-height: 4.5em; resize: vertical; padding: .6em; border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); }
.composer .row { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: .5em; }
.composer .send { display: inline-flex; align-items: center; gap: .8em; margin-left: auto; }
.composer textarea[aria-invalid="true"] { border-color: var(--_danger); }
.char-count { color: var(--_muted); font-size: .85em; font-variant-numeric: tabular-nums; }
.char-count.near { color: var(--_text); }
.char-count.over { color: var(--_danger); font-weight: 600; }
.error { color: var(--_danger); margin: 0; font-size: .9em; }
.error:empty { display: none; }
.empty { color: var(--_muted); text-align: center; padding: 1.5em; border: 1px dashed var(--_border); border-radius: var(--_radius); }
.reply-list { list-style: none; margin: 0; padding: 0; display: grid; gap: .7em; }
.reply { background: var(--_surface); border-radius: var(--_radius); padding: .7em .9em; }
.reply.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { box-shadow: 0 0 0 2px var(--_accent); } to { box-shadow: 0 0 0 2px transparent; } }
.reply.mine { border-left: 3px solid var(--_accent); }
.reply-head { display: flex; flex-wrap: wrap; gap: .2em .6em; align-items: baseline; margin-bottom: .3em; }
.reply-body { margin: 0 0 .4em; }
.reply .reactions button { font-size: .85em; padding: .1em .6em; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: .4em; }
.mod-form { display: flex; flex-wrap: wrap; gap: .4em; align-items: center; margin-top: .5em; }
.mod-form input[type="text"] { flex: 1; min-width: 10em; padding: .3em .5em; border: 1px solid var(--_border); border-radius: 6px; background: var(--_bg); }
.load-older { display: block; margin: 0 auto 1em; }
.new-pill { position: fixed; bottom: 1.2em; left: 50%; transform: translateX(-50%); z-index: 10; background: var(--_accent); color: var(--_accent-text); border-color: var(--_accent); box-shadow: 0 2px 8px rgba(0,0,0,.25); font-weight: 600; }
/* Phone: one column, the bar's parts on their own lines, a little less padding. */
@container (max-width: 520px) {
  h1 { font-size: 1.35em; }
  .bar { flex-direction: column; align-items: flex-start; }
  .bar .actions { margin-left: 0; }
  .reply { padding: .6em .7em; }
  .reply .actions { gap: .3em; }
  .composer .send { width: 100%; justify-content: space-between; }
}
`;
