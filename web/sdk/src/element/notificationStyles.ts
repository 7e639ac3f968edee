// The look of <live-notifications>, on top of styles.ts (same --lc-* properties): a bell that sits in a header
// line, and its popup list below it.
export const notificationStyles: string = `
:host { display: inline-block; position: relative; container-type: normal; background: none; }
.bell { position: relative; display: inline-grid; place-items: center; width: 2.4em; height: 2.4em; padding: 0; border-radius: 50%; background: var(--_surface); color: var(--_text); }
.bell svg { width: 1.3em; height: 1.3em; }
.bell[aria-expanded="true"] { border-color: var(--_accent); }
.badge-count { position: absolute; top: -.35em; right: -.45em; min-width: 1.6em; padding: 0 .35em; border-radius: 999px; background: var(--_danger); color: #fff; font-size: .72em; font-weight: 700; line-height: 1.6; text-align: center; }
.panel { position: absolute; right: 0; top: calc(100% + .4em); z-index: 20; width: min(24em, calc(100vw - 1.5em)); max-height: min(70vh, 32em); overflow-y: auto; background: var(--_bg); color: var(--_text); border: 1px solid var(--_border); border-radius: var(--_radius); box-shadow: 0 6px 24px rgba(0,0,0,.22); padding: .7em; }
.panel.from-start { right: auto; left: 0; }
.panel:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.panel-head { display: flex; justify-content: space-between; align-items: center; gap: .6em; margin-bottom: .5em; }
.panel-head h2 { font-size: 1em; }
.mark-all { font-size: .85em; }
.notification-list { list-style: none; margin: 0; padding: 0; display: grid; gap: .3em; }
.notification .item { display: grid; gap: .1em; padding: .5em .6em; border-radius: 8px; color: var(--_text); text-decoration: none; border-left: 3px solid transparent; }
.notification a.item:hover { background: var(--_surface); }
.notification a.item:focus-visible { outline: 2px solid var(--_accent); outline-offset: -2px; }
.notification.unread .item { background: color-mix(in srgb, var(--_accent) 8%, transparent); border-left-color: var(--_accent); }
.notification.unread .summary { font-weight: 700; }
.new-flag { justify-self: start; font-size: .72em; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--_accent); }
.excerpt { overflow-wrap: anywhere; }
.where { color: var(--_muted); font-size: .85em; }
.panel .empty { padding: 1em; }
.load-more { display: block; margin: .6em auto 0; }
`;
