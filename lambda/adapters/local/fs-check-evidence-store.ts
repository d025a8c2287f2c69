// Local evidence of monitor runs (`rollgate monitor`): each record in a file of its own under the same key the stack's
// bucket would give it (`checks/<monitor>/<YYYY>/<MM>/<DD>/<stamp>.json`, `.rollback.json` and `.delivery.json` beside
// it), so a directory of local checks reads like a copy of the bucket. Records are written once (a link that fails if
// the file exists); `checks/<monitor>/latest.json` is replaced by each record of the newest run, for a quick look.

import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EvidenceWriteError, errorMessageOf } from '../../core/errors.ts';
import type { EvidenceDocument } from '../../core/evidence/evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../core/gate/ports.ts';
import { serializeEvidence } from '../../core/evidence/serialize-evidence.ts';
import { checkEvidencePrefix, evidenceKey } from '../evidence-key.ts';
import { replaceAtomically, writeOnce } from './atomic-file.ts';

/** The file beside a monitor's records that always holds its newest run's most complete record. */
export const LATEST_CHECK_FILE = 'latest.json';

export class FsCheckEvidenceStore implements EvidenceStore {
  /** The directory the `checks/` folder goes in (`artifacts` by default, as the CLI gate's `artifacts/rollout`). */
  public readonly root: string;

  public constructor(root: string) {
    this.root = resolve(root);
  }

  /** Where `write` puts the record; undefined for a document that cannot be named (not a check, a bad name). */
  public locate(document: EvidenceDocument, stage: EvidenceStage): string | undefined {
    try {
      return this.pathOf(document, stage);
    } catch {
      return undefined;
    }
  }

  /** `checks/<monitor>/latest.json` under the root. */
  public latestPath(monitor: string): string {
    return join(this.root, checkEvidencePrefix(monitor), LATEST_CHECK_FILE);
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    let path: string;
    let latest: string;
    try {
      path = this.pathOf(document, stage);
      latest = this.latestPath(document.context.monitor ?? '');
    } catch (error) {
      throw new EvidenceWriteError(`cannot name the evidence file under ${this.root}: ${errorMessageOf(error)}`, {
        cause: error,
      });
    }
    const content = serializeEvidence(document);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeOnce(path, content);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' ? 'it already exists and is never replaced' : errorMessageOf(error);
      throw new EvidenceWriteError(`cannot write evidence to ${path}: ${why}`, { cause: error });
    }
    try {
      await replaceAtomically(latest, content);
    } catch (error) {
      throw new EvidenceWriteError(`wrote ${path}, but not ${latest}: ${errorMessageOf(error)}`, { cause: error });
    }
    return { uri: path, extras: [latest] };
  }

  private pathOf(document: EvidenceDocument, stage: EvidenceStage): string {
    if (document.kind !== 'check') {
      throw new EvidenceWriteError(`only monitor runs are kept here, not ${document.kind} runs`);
    }
    return join(this.root, evidenceKey(document, stage));
  }
}
