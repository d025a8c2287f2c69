// One record's full rendering as HTML: the same view `rollgate evidence show` prints (evidence-view.ts), laid out as
// a heading with the verdict, the rule that decided it, the facts, and each section's lines nested, with recorded
// output in <pre>. Everything passes through html``, so a record's text is only ever text.

import type { EvidenceView, ViewLine } from '../evidence/evidence-view.ts';
import { html, type SafeHtml } from './safe-html.ts';

const MARK_WORDS = { ok: 'ok', fail: 'FAIL', warn: '!', none: '' } as const;

export function evidenceHtml(view: EvidenceView, uri: string): SafeHtml {
  return html`<header class="record-head"><span class="badge status-${view.status}">${view.status.toUpperCase()}</span> <strong>${view.heading}</strong> <code>${view.statusReason}</code></header>
<p class="message">${view.message}</p>
<p class="rule">Decided by ${view.rule}</p>
<dl class="facts">${[...view.facts, ['Evidence', uri] as const].map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>
${view.sections.map((section) => html`<section class="record-section"><h4>${section.title}</h4><ul>${section.lines.map(lineHtml)}</ul></section>`)}`;
}

function lineHtml(line: ViewLine): SafeHtml {
  const mark = line.mark ?? 'none';
  return html`<li class="mark-${mark}">${MARK_WORDS[mark] !== '' ? html`<span class="mark">${MARK_WORDS[mark]}</span> ` : ''}${line.text}${line.block !== undefined ? html`<pre>${line.block}</pre>` : ''}${(line.children ?? []).length > 0 ? html`<ul>${(line.children ?? []).map(lineHtml)}</ul>` : ''}</li>`;
}
