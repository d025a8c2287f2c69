// Evidence in a Map, laid out by the bucket's keys: an evidence store that chained records go through (it writes
// serializeEvidence's text, as the real stores do) and the chain source verify reads, with the hooks a test needs to
// edit, delete or fail a record.

import { evidenceKey } from '../../../../lambda/adapters/evidence-key.ts';
import { EvidenceWriteError } from '../../../../lambda/core/errors.ts';
import type { EvidenceChainSource } from '../../../../lambda/core/evidence/evidence-chain-source.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { serializeEvidence } from '../../../../lambda/core/evidence/serialize-evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../../../lambda/core/gate/ports.ts';
import { buildEvidence } from '../../../../lambda/core/evidence/evidence.ts';
import { rollbackNotAttempted } from '../../../../lambda/core/rollback/rollback-result.ts';
import { decideVerdict } from '../../../../lambda/core/verdict/verdict.ts';

const URI_PREFIX = 'mem://bucket/';

export class MemoryEvidenceBucket implements EvidenceStore, EvidenceChainSource {
  public readonly objects = new Map<string, Uint8Array>();
  /** Older versions of edited keys, as a versioned bucket keeps them. */
  public readonly versions = new Map<string, number>();
  /** Makes the next writes fail, as an unreachable bucket would. */
  public failWrites = false;

  public locate(document: EvidenceDocument, stage: EvidenceStage): string {
    return `${URI_PREFIX}${evidenceKey(document, stage)}`;
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    if (this.failWrites) throw new EvidenceWriteError('the bucket is unreachable', { errorName: 'NetworkingError' });
    const key = evidenceKey(document, stage);
    if (this.objects.has(key)) throw new EvidenceWriteError(`evidence already exists at ${key}`);
    this.objects.set(key, new TextEncoder().encode(serializeEvidence(document)));
    this.versions.set(key, 1);
    return { uri: `${URI_PREFIX}${key}` };
  }

  public describe(): string {
    return 'mem://bucket';
  }

  public uriOf(key: string): string {
    return `${URI_PREFIX}${key}`;
  }

  public async listKeys(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix));
  }

  public async readBytes(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }

  public async versionCounts(prefix: string): Promise<ReadonlyMap<string, number>> {
    return new Map([...this.versions].filter(([key]) => key.startsWith(prefix)));
  }

  /** The keys written, oldest first (keys sort by time). */
  public get keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  public text(key: string): string {
    return new TextDecoder().decode(this.objects.get(key));
  }

  /** Replaces the record's bytes, as an edit through the S3 API would (a new version on a versioned bucket). */
  public edit(key: string, change: (text: string) => string): void {
    this.objects.set(key, new TextEncoder().encode(change(this.text(key))));
    this.versions.set(key, (this.versions.get(key) ?? 1) + 1);
  }

  public remove(key: string): void {
    this.objects.delete(key);
  }
}

/** A monitor's passed check record, started at `at`. */
export function checkRecord(monitor: string, at: Date): EvidenceDocument {
  return buildEvidence({
    verdict: decideVerdict({ targets: [] }),
    message: 'no health URLs configured',
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    expectedVersion: undefined,
    targets: [],
    rollback: rollbackNotAttempted('not_needed'),
    context: { kind: 'check', monitor, run_id: `run-${at.getTime()}` },
    settings: null,
  });
}
