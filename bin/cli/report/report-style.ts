// The report page's stylesheet, inlined and allowed by its hash. Colours say the verdict (green passed, red failed,
// grey skipped), a monitor's state (up, down, unknown) and the uptime of a day; nothing is loaded from anywhere.

export const REPORT_STYLE = `
:root { --ok: #1a7f37; --fail: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header.page { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
header.page h1 { margin: 0 0 4px; font-size: 20px; }
header.page p { margin: 0; color: var(--muted); }
.notice { margin: 8px 24px 0; padding: 6px 10px; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; padding: 12px 24px; margin: 0; list-style: none; }
.cards li { min-width: 110px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
.cards b { display: block; font-size: 22px; }
.cards .bad b { color: var(--fail); }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(320px, 40%); gap: 16px; padding: 0 24px 24px; }
.layout > div, .layout > aside { min-width: 0; }
h2 { font-size: 16px; margin: 18px 0 8px; }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 11px; fill: #1f2328; }
svg .axis { fill: var(--muted); }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .lane-bg { fill: var(--bg); }
svg .lane-label { font-size: 12px; }
svg .state-up { fill: #aceebb; }
svg .state-down { fill: #ffabab; }
svg .state-unknown { fill: #d0d7de; }
svg .marker { cursor: pointer; }
svg .marker .shape { stroke: #fff; stroke-width: 1.5; }
svg .status-passed .shape { fill: var(--ok); }
svg .status-failed .shape { fill: var(--fail); }
svg .status-skipped .shape { fill: var(--muted); }
svg .marker:hover .shape, svg .marker:focus .shape { stroke: #1f2328; }
svg .rollback-run { fill: var(--warn); }
svg .rollback-held { fill: none; stroke: var(--warn); }
svg .transition { font-size: 10px; font-weight: 600; }
svg .transition-down { fill: var(--fail); }
svg .transition-up { fill: var(--ok); }
svg .line { fill: none; stroke-width: 1.6; }
svg .failing-point { fill: var(--fail); cursor: pointer; }
.series-0 { --c: #0969da; } .series-1 { --c: #8250df; } .series-2 { --c: #bf3989; } .series-3 { --c: #1b7c83; }
.series-4 { --c: #953800; } .series-5 { --c: #4d2d00; } .series-6 { --c: #57606a; } .series-7 { --c: #116329; }
svg .series .line { stroke: var(--c); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0 56px; padding: 0; list-style: none; color: var(--muted); }
.legend .swatch { display: inline-block; width: 12px; height: 3px; margin-right: 6px; vertical-align: middle; background: var(--c); }
.key { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0; padding: 0; list-style: none; color: var(--muted); font-size: 12px; }
svg .day rect { fill: #eaeef2; }
svg .u-100 rect { fill: #aceebb; } svg .u-99 rect { fill: #d1f5d9; } svg .u-90 rect { fill: #fff1a8; } svg .u-low rect { fill: #ffabab; }
svg .day text { font-size: 10px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
tbody tr { cursor: pointer; }
tbody tr:hover, tbody tr.selected { background: #ddf4ff; }
td.status-failed { color: var(--fail); font-weight: 600; }
td.status-passed { color: var(--ok); }
.filter { margin: 0 0 6px; }
aside#details { border-left: 1px solid var(--line); padding-left: 16px; position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; }
.run-detail { display: none; }
.run-detail.open, .run-detail:target { display: block; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; background: var(--muted); }
.badge.status-passed { background: var(--ok); } .badge.status-failed { background: var(--fail); }
.rule { color: var(--muted); margin: 4px 0; }
.message { margin: 6px 0 2px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.record-section h4 { margin: 12px 0 4px; font-size: 13px; }
.record-section ul { margin: 0; padding-left: 18px; }
.record-section li { overflow-wrap: anywhere; }
.mark { font-weight: 700; font-family: ui-monospace, monospace; font-size: 12px; }
.mark-ok > .mark { color: var(--ok); } .mark-fail > .mark { color: var(--fail); } .mark-warn > .mark { color: var(--warn); }
pre { margin: 4px 0; padding: 6px 8px; background: var(--bg); border: 1px solid #eaeef2; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
code { font-size: 12px; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } aside#details { border-left: 0; padding-left: 0; position: static; max-height: none; } }
`;
