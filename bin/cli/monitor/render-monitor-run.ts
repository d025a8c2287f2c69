// One line per monitor run of `rollgate monitor`, read from its evidence only: when, which monitor, the verdict, the
// monitor's state after the run (and the transition it made), the rollback if there was one, and where the record is.

import { relative } from 'node:path';
import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';

export function renderMonitorRun(document: EvidenceDocument, evidencePath: string | undefined, cwd: string): string {
  const parts = [
    `${document.started_at} ${document.context.monitor ?? '?'}: ${document.status.toUpperCase()} ` +
      `(${document.status_reason}), ${document.summary.healthy}/${document.summary.total} healthy`,
    stateWords(document),
    rollbackWords(document),
    evidencePath === undefined ? undefined : `evidence ${relative(cwd, evidencePath) || evidencePath}`,
  ];
  return `${parts.filter((part) => part !== undefined).join('; ')}\n`;
}

function stateWords(document: EvidenceDocument): string {
  const state = document.state;
  if (state === undefined || state.store === 'unavailable') return 'monitor state unknown: the state store failed';
  const monitor = state.monitor;
  if (monitor === undefined) return 'monitor state not kept';
  const streak =
    monitor.consecutive_failures > 0
      ? `${monitor.consecutive_failures} failing in a row`
      : `${monitor.consecutive_successes} healthy in a row`;
  const transition = monitor.transition === null ? '' : `, was ${monitor.transition.from}`;
  const held = state.pause !== null ? `, paused until ${state.pause.until}` : monitor.counted ? '' : ', not counted';
  return `monitor ${monitor.state} (${streak}${transition}${held})${state.written ? '' : ', NOT SAVED'}`;
}

function rollbackWords(document: EvidenceDocument): string | undefined {
  const rollback = document.rollback;
  if (rollback.attempted) {
    const target = rollback.target_version === undefined ? '' : ` to ${rollback.target_version}`;
    return `rollback ${rollback.outcome}${target}`;
  }
  return rollback.outcome === 'withheld' ? `rollback withheld (${rollback.reason ?? 'unknown'})` : undefined;
}
