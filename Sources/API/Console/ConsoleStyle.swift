/// The console's style sheet: system fonts, light/dark by the OS setting, one column on a
/// phone, visible focus everywhere (it is usable without a mouse).
enum ConsoleStyle {
    static let source = #"""
:root {
  --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --card: #fff; --line: #d1d9e0;
  --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --focus: #0969da;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #161b22; --line: #30363d;
          --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --focus: #4493f8; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }  /* `header { display: flex }` must not show a hidden header. */
html, body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--card); padding: 6px 10px; z-index: 10; }
.skip:focus { left: 8px; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px;
  background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 5; }
header .brand { font-weight: 700; }
header nav { display: flex; gap: 4px; }
header nav a { padding: 4px 10px; border-radius: 6px; text-decoration: none; color: var(--fg); }
header nav a[aria-current="page"] { background: var(--accent); color: #fff; }
.scope { color: var(--muted); }
.live { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 10px; border: 1px solid var(--line); color: var(--muted); }
.live.on { color: var(--ok); border-color: var(--ok); }
.live.off { color: var(--bad); border-color: var(--bad); }
main { padding: 16px; max-width: 1400px; margin: 0 auto; }
main:focus { outline: none; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 15px; margin: 0 0 8px; display: flex; align-items: center; gap: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 14px; }
.card.narrow { max-width: 480px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 2px; }
.stat { display: flex; flex-direction: column; }
.stat .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.stat .value { font-size: 26px; font-weight: 600; }
.detail { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 14px; }
.grid2 > .card { margin-bottom: 14px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; white-space: nowrap; }
td { overflow-wrap: anywhere; }
table.kv th { width: 40%; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
table.engines td { overflow-wrap: normal; white-space: nowrap; }
table.engines td:nth-child(2) { white-space: normal; overflow-wrap: anywhere; min-width: 8em; }
table.engines tbody tr:hover { background: color-mix(in srgb, var(--accent) 8%, transparent); }
table.bars td.bar { width: 55%; }
table.bars td, table.bars th { white-space: nowrap; overflow-wrap: normal; }
.bar span { display: block; height: 10px; border-radius: 5px; background: var(--accent); min-width: 2px; }
.phase, .pill { white-space: nowrap; display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); }
.phase-running, .ready-yes, .pill-ok, .breaker-closed { color: var(--ok); border-color: var(--ok); }
.phase-failed, .ready-no, .pill-bad, .breaker-open { color: var(--bad); border-color: var(--bad); }
.phase-provisioning, .phase-destroying, .pill-warn { color: var(--warn); border-color: var(--warn); }
.phase-sleeping, .phase-stopped { color: var(--muted); }
label { display: inline-flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; }
fieldset label { flex-direction: row; gap: 6px; margin-right: 12px; color: var(--fg); font-size: 14px; }
input, select, button { font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 5px 8px; }
input[type="password"] { width: 100%; margin-bottom: 6px; }
button { cursor: pointer; }
button:hover { border-color: var(--accent); }
button.danger { color: var(--bad); border-color: var(--bad); }
button.small { font-size: 12px; padding: 1px 8px; }
button:disabled { opacity: .5; cursor: default; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 10px; }
.filters .grow { flex: 1 1 220px; }
.filters .grow input { width: 100%; }
.pager { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.pager .range { color: var(--muted); }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.error { color: var(--bad); min-height: 1em; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 0;
  max-height: 420px; overflow: auto; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
dialog { border: 1px solid var(--line); border-radius: 8px; background: var(--card); color: var(--fg); max-width: 440px; }
dialog::backdrop { background: rgb(0 0 0 / .4); }
.muted { color: var(--muted); }
@media (max-width: 700px) {
  main { padding: 10px; }
  .opt { display: none; }
  header .scope { flex-basis: 100%; order: 5; }
  .stat .value { font-size: 22px; }
}
"""#
}
