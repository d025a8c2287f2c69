// Local evidence, the CI contract's files: `health-gate.json` and `health-gate.env` in one directory, each written
// atomically (temporary file, then rename) so a reader never sees half a file, and rewritten by each later record of
// the run (rollback, delivery) so they always hold the most complete one. The delivery record, written only when an
// alert was not delivered, also gets a file of its own beside them, so a CI step can tell by its presence.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderEnvFile } from '../../core/evidence/env-file.ts';
import { EvidenceWriteError, errorMessageOf } from '../../core/errors.ts';
import type { EvidenceDocument } from '../../core/evidence/evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../core/gate/ports.ts';
import { serializeEvidence } from '../../core/evidence/serialize-evidence.ts';
import { replaceAtomically } from './atomic-file.ts';

export const EVIDENCE_JSON = 'health-gate.json';
export const EVIDENCE_ENV = 'health-gate.env';
export const EVIDENCE_DELIVERY_JSON = 'health-gate.delivery.json';

export class FsEvidenceStore implements EvidenceStore {
  public readonly directory: string;
  /** Writes run one after another, so the JSON and env files on disk always describe the same document. */
  private queue: Promise<unknown> = Promise.resolve();

  public constructor(directory: string) {
    this.directory = resolve(directory);
  }

  public get jsonPath(): string {
    return join(this.directory, EVIDENCE_JSON);
  }

  public get envPath(): string {
    return join(this.directory, EVIDENCE_ENV);
  }

  public get deliveryPath(): string {
    return join(this.directory, EVIDENCE_DELIVERY_JSON);
  }

  /** Where `write` puts a record: health-gate.json, or health-gate.delivery.json for the delivery record. */
  public locate(_document: EvidenceDocument, stage: EvidenceStage): string {
    return stage === 'delivery' ? this.deliveryPath : this.jsonPath;
  }

  public write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    const written = this.queue.then(async () => {
      const location = await this.writeBoth(document);
      if (stage !== 'delivery') return location;
      await this.writeOne(this.deliveryPath, serializeEvidence(document));
      return { uri: this.deliveryPath, extras: [location.uri, ...(location.extras ?? [])] };
    });
    this.queue = written.catch(() => undefined);
    return written;
  }

  private async writeOne(path: string, content: string): Promise<void> {
    try {
      await replaceAtomically(path, content);
    } catch (error) {
      throw new EvidenceWriteError(`cannot write evidence to ${path}: ${errorMessageOf(error)}`, { cause: error });
    }
  }

  private async writeBoth(document: EvidenceDocument): Promise<EvidenceLocation> {
    try {
      await mkdir(this.directory, { recursive: true });
      await replaceAtomically(this.jsonPath, serializeEvidence(document));
      await replaceAtomically(this.envPath, renderEnvFile(document, this.jsonPath));
    } catch (error) {
      throw new EvidenceWriteError(`cannot write evidence to ${this.directory}: ${errorMessageOf(error)}`, {
        cause: error,
      });
    }
    return { uri: this.jsonPath, extras: [this.envPath] };
  }
}
