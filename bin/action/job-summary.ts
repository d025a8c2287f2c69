// The job summary a gate run leaves on the workflow run's page: the verdict, one table row per target with what was
// seen (status, version, latency, why), and the rollback. Reads only the evidence document, like the CLI's summary,
// and escapes everything in it: reasons and rollback output can hold text a service or a script produced.

import type { EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';

const OUTPUT_LINES_SHOWN = 20;

export function renderJobSummary(document: EvidenceDocument, evidencePath: string | undefined): string {
  const lines: string[] = [];
  lines.push(`### Rollgate gate ${document.status}: \`${document.status_reason}\``, '');
  lines.push(inline(document.message), '');
  const expected = document.expected_version === null ? '' : `Expected version ${inline(document.expected_version)}, `;
  lines.push(`${expected}${document.duration_ms} ms in all.`, '');
  if (document.targets.length > 0) {
    lines.push('| | Target | Status | Version | Latency | Tries | Why |', '|---|---|---|---|---|---|---|');
    for (const target of document.targets) {
      const last = target.attempts[target.attempts.length - 1];
      const seen = last?.http_status !== undefined ? String(last.http_status) : (last?.error ?? '-');
      const cells = [
        target.ok ? 'OK' : '**FAIL**',
        target.name ? `${inline(target.name)}<br>${inline(target.url)}` : inline(target.url),
        inline(seen),
        target.version === undefined ? '-' : inline(target.version),
        last === undefined ? '-' : `${last.latency_ms} ms`,
        String(target.attempts.length),
        target.ok || target.reason === undefined ? '' : inline(target.reason),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(...renderRollback(document));
  if (evidencePath !== undefined) lines.push(`Evidence: ${inline(evidencePath)}`, '');
  return `${lines.join('\n')}\n`;
}

function renderRollback(document: EvidenceDocument): string[] {
  const rollback = document.rollback;
  if (!rollback.attempted) {
    if (rollback.outcome === 'not_needed') return ['**Rollback:** not needed', ''];
    const detail = rollback.detail === undefined ? '' : `: ${inline(rollback.detail)}`;
    return [`**Rollback:** ${rollback.outcome.replaceAll('_', ' ')}${detail}`, ''];
  }
  const exit = rollback.exit_code === null ? '' : `, exit ${rollback.exit_code}`;
  const lines = [
    `**Rollback:** ${rollback.outcome.replaceAll('_', ' ')}${exit} in ${rollback.duration_ms ?? 0} ms` +
      (rollback.executor === undefined ? '' : `: ${inline(rollback.executor)}`),
  ];
  if (rollback.detail !== undefined && rollback.outcome !== 'succeeded') lines.push('', inline(rollback.detail));
  const output = (rollback.output_tail ?? '').trimEnd();
  if (output !== '') {
    const shown = output.split('\n').slice(-OUTPUT_LINES_SHOWN).join('\n');
    lines.push('', '<details><summary>Rollback output (last lines)</summary>', '', `<pre>${html(shown)}</pre>`);
    lines.push('', '</details>');
  }
  lines.push('', 'The gate stays failed whatever the rollback did, so the incident stays visible.', '');
  return lines;
}

/** Text for one line or table cell: no line breaks, no HTML, no markdown that could break the table or fake a link. */
function inline(text: string): string {
  return html(text.replace(/\s+/g, ' ').trim()).replace(/[\\`*_[\]|#!~]/g, (char) => `\\${char}`);
}

function html(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
