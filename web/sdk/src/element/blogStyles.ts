// <live-blog>'s own look, on top of the shared element styles (styles.ts) and their --lc-* properties.
export const blogStyles: string = `
.blog-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1em; margin: 0 0 .8em; }
.status::before { content: ""; display: inline-block; width: .55em; height: .55em; border-radius: 50%; background: var(--_muted); margin-right: .35em; }
.status[data-state=live]::before { background: var(--_live); }
.key-events { background: var(--_surface); border-radius: var(--_radius); padding: .6em .9em; margin: 0 0 1em; }
.key-events h3 { font-size: .95em; margin: 0 0 .3em; }
.key-list { margin: 0; padding: 0 0 0 1.2em; display: grid; gap: .2em; }
.key-link { background: none; border: none; padding: .1em 0; color: var(--_accent); font: inherit; text-align: left; cursor: pointer; text-decoration: underline; }
.key-link time { color: var(--_muted); font-size: .85em; }
.pill-slot { position: sticky; top: .5em; z-index: 2; height: 0; display: flex; justify-content: center; overflow: visible; }
.new-updates { background: var(--_accent); color: var(--_accent-text); border: 1px solid var(--_accent); border-radius: 999px; padding: .35em 1em; font: inherit; font-weight: 600; box-shadow: 0 2px 8px rgba(0,0,0,.25); cursor: pointer; }
.updates { list-style: none; margin: 0; padding: 0; display: grid; gap: .8em; }
.update article { border-left: 3px solid var(--_border); padding: .2em 0 .2em .9em; border-radius: 2px; }
.update.key article { border-left-color: var(--_accent); }
.update.pinned article { border-left-color: var(--_warn); background: var(--_surface); padding: .5em .9em; }
.update article:focus { outline: 2px solid var(--_accent); outline-offset: 2px; }
.update-head { display: flex; flex-wrap: wrap; gap: .2em .6em; align-items: baseline; margin: 0 0 .3em; color: var(--_muted); font-size: .9em; }
.update-body { overflow-wrap: anywhere; }
.update-body > :first-child { margin-top: 0; }
.update-body > :last-child { margin-bottom: 0; }
.update-body a { color: var(--_accent); }
.corrected { font-style: italic; }
.quote { margin: .6em 0 0; padding: .5em .8em; background: var(--_surface); border-radius: var(--_radius); }
.quote-body { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.quote-author { color: var(--_muted); font-size: .9em; margin-top: .2em; }
.badge { font-size: .75em; font-weight: 700; border-radius: 999px; padding: .05em .6em; background: color-mix(in srgb, var(--_accent) 14%, transparent); color: var(--_text); }
.pinned-badge { background: color-mix(in srgb, var(--_warn) 22%, transparent); }
`;
