// `rollgate evidence show` and `latest` as text: the view of a record (evidence-view.ts) laid out for a terminal.
// Every line is made printable first: records hold text a service chose (body excerpts, versions, output), and a
// terminal must not be steered by the escape sequences in it.

import type { EvidenceView, ViewLine, ViewMark } from './evidence-view.ts';

const MARK_WORDS: { readonly [M in ViewMark]: string } = { ok: 'ok  ', fail: 'FAIL', warn: '!   ', none: '-   ' };
const BLOCK_LINES_SHOWN = 8;

export function renderEvidenceText(view: EvidenceView, uri: string): string {
  const out: string[] = [];
  out.push(`${view.heading}: ${view.status.toUpperCase()} (${view.statusReason})`);
  out.push(`  ${view.message}`);
  out.push(`  decided by ${view.rule}`);
  const width = Math.max(...view.facts.map(([label]) => label.length), 'Evidence'.length);
  for (const [label, value] of [...view.facts, ['Evidence', uri] as const]) {
    out.push(`${`${label}:`.padEnd(width + 2)}${value}`);
  }
  for (const section of view.sections) {
    out.push('', section.title);
    for (const line of section.lines) renderLine(line, 1, out);
  }
  return `${out.map(printableLine).join('\n')}\n`;
}

function renderLine(line: ViewLine, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  out.push(`${indent}${line.mark === undefined ? '' : `${MARK_WORDS[line.mark]} `}${line.text}`);
  if (line.block !== undefined) {
    const lines = line.block.trimEnd().split('\n');
    const shown = lines.slice(-BLOCK_LINES_SHOWN);
    if (lines.length > shown.length) out.push(`${indent}  | ... (${lines.length - shown.length} earlier lines)`);
    for (const text of shown) out.push(`${indent}  | ${text}`);
  }
  for (const child of line.children ?? []) renderLine(child, depth + 1, out);
}

/**
 * A line with its control characters (C0, DEL, C1, line and paragraph separators, bidirectional overrides) shown as
 * `\u{..}` escapes, so nothing a service wrote can move the cursor, recolour or reorder the operator's terminal.
 */
export function printableLine(line: string): string {
  return line.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (character) => `\\u{${character.codePointAt(0)!.toString(16)}}`,
  );
}
