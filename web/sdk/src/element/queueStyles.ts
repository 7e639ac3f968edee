// The look of <moderation-queue>, on top of styles.ts and moderationStyles.ts (same --lc-* properties).
export const queueStyles: string = `
.queue-head { display: flex; justify-content: space-between; align-items: center; gap: 1em; margin-bottom: .8em; }
.tabs { display: flex; gap: .4em; border-bottom: 1px solid var(--_border); margin-bottom: .9em; }
.tabs [role="tab"] { border: 0; border-bottom: 3px solid transparent; border-radius: 0; background: none; padding: .45em .9em; color: var(--_muted); font-weight: 600; }
.tabs [role="tab"][aria-selected="true"] { color: var(--_text); border-bottom-color: var(--_accent); }
.tabs .count { display: inline-block; min-width: 1.6em; padding: 0 .45em; border-radius: 999px; background: var(--_surface); color: var(--_text); font-size: .85em; text-align: center; }
.tabs [aria-selected="true"] .count { background: var(--_accent); color: var(--_accent-text); }
.queue-panel:focus-visible { outline: 2px solid var(--_accent); outline-offset: 4px; border-radius: 4px; }
.queue-list { list-style: none; margin: 0; padding: 0; display: grid; gap: .8em; }
.queue-item { background: var(--_surface); border-radius: var(--_radius); padding: .8em 1em; display: grid; gap: .35em; }
.item-head { display: flex; flex-wrap: wrap; align-items: center; gap: .5em; }
.topic-title { font-weight: 600; }
.reply-head { display: flex; flex-wrap: wrap; gap: .5em; align-items: baseline; }
.since { color: var(--_muted); }
.queue-item .reply-body { margin: .2em 0; padding: .5em .7em; background: var(--_bg); border-radius: 6px; border-left: 3px solid var(--_border); }
.reports { display: flex; flex-wrap: wrap; gap: .5em; align-items: baseline; font-size: .9em; }
.report-count { font-weight: 600; }
.reasons { display: flex; flex-wrap: wrap; gap: .4em; list-style: none; margin: 0; padding: 0; }
.reasons li { background: var(--_bg); border: 1px solid var(--_border); border-radius: 999px; padding: 0 .6em; }
.queue-item .actions { margin-top: .3em; }
.load-more { display: block; margin: 1em auto 0; }
`;
