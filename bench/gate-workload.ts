// One gate run as a scheduled handler makes it, minus AWS: a validated config, runGate with evidence serialised in
// memory and a silent notifier, no rollback. A run that is not `passed` with every target healthy is a broken bench.

import type { Alert } from '../lambda/core/plan/alerts.ts';
import { parseGateConfig, type GateConfig } from '../lambda/core/config/config-schema.ts';
import type { EvidenceDocument } from '../lambda/core/evidence/evidence.ts';
import { runGate } from '../lambda/core/gate/gate.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore, Notifier } from '../lambda/core/gate/ports.ts';
import { FARM_VERSION } from './farm-urls.ts';
import { BenchWorkloadError } from './workload-error.ts';

/** Serialises each document as the S3 store will, keeps only its size so repeated runs do not grow the heap. */
export class MemoryEvidenceStore implements EvidenceStore {
  public lastBytes = 0;
  public writes = 0;

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    this.lastBytes = Buffer.byteLength(JSON.stringify(document));
    this.writes += 1;
    return { uri: `memory://evidence/${this.writes}/${stage}` };
  }
}

export class SilentNotifier implements Notifier {
  public sent = 0;

  public async notify(_alert: Alert): Promise<void> {
    this.sent += 1;
  }
}

/** The config a monitor of these URLs would have; `concurrency` left out means the engine's default. */
export function gateConfigFor(urls: readonly string[], concurrency?: number): GateConfig {
  return parseGateConfig({
    targets: urls.map((url) => ({ url })),
    expectedVersion: FARM_VERSION,
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
}

export interface GateRunReport {
  /** Bytes of the verdict's evidence document as JSON. */
  readonly evidenceBytes: number;
}

export async function runGateWorkload(config: GateConfig): Promise<GateRunReport> {
  const evidenceStore = new MemoryEvidenceStore();
  const notifier = new SilentNotifier();
  const outcome = await runGate(config, { kind: 'check', monitor: 'bench' }, { evidenceStore, notifier });
  const { verdict } = outcome;
  if (verdict.status !== 'passed' || verdict.healthy !== config.targets.length || !outcome.evidenceWritten) {
    const firstFailure = outcome.evidence.targets.find((target) => !target.ok);
    throw new BenchWorkloadError(
      `gate run over ${config.targets.length} farm URLs was ${verdict.status} (${verdict.status_reason}, ` +
        `${verdict.healthy} healthy); first failure: ${firstFailure?.reason ?? 'none'}`,
    );
  }
  return { evidenceBytes: evidenceStore.lastBytes };
}
