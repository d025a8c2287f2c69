// What `rollgate gate` prints when a run is over, one-shot or over a window: the summary (or the evidence as JSON),
// and on stderr a record that could not be written and alerts that could not be delivered.

import type { GateOutcome } from '../../../lambda/core/gate/gate.ts';
import type { CliIo } from '../cli-io.ts';
import { renderSummary } from './render-summary.ts';

export function reportGateOutcome(outcome: GateOutcome, json: boolean, io: CliIo): void {
  if (json) io.stdout.write(`${JSON.stringify(outcome.evidence, null, 2)}\n`);
  else io.stdout.write(renderSummary(outcome));
  if (!outcome.evidenceWritten) {
    io.stderr.write('rollgate: evidence could not be written; this gate left no record (see the problem above)\n');
  }
  const undelivered = outcome.alerts.filter((alert) => !alert.delivered);
  if (undelivered.length > 0) {
    const types = undelivered.map((alert) => `${alert.type} (${alert.error ?? 'unknown error'})`).join(', ');
    io.stderr.write(`rollgate: alerts not delivered: ${types}; the evidence records them\n`);
  }
}
