// The CLI gate's evidence when it keeps state (--state-dir): the CI contract's health-gate.json and .env, rewritten by
// each record as always, and every record also in a file of its own that is never rewritten, under the key the stack's
// bucket gives a deploy of the service (`deploys/<service>/<environment>/<YYYY>/<MM>/<DD>/<stamp>.json`). The
// service's evidence chain links those files, and a known-good version names one that stays.

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EVENT_ID_PATTERN } from '../../core/config/name-patterns.ts';
import { ConfigError, EvidenceWriteError, errorMessageOf } from '../../core/errors.ts';
import type { EvidenceDocument } from '../../core/evidence/evidence.ts';
import { serializeEvidence } from '../../core/evidence/serialize-evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../core/gate/ports.ts';
import { deployEvidencePrefix, evidenceKey, keyTime } from '../evidence-key.ts';
import { writeOnce } from './atomic-file.ts';
import type { FsEvidenceStore } from './fs-evidence-store.ts';

export class FsGateHistoryEvidenceStore implements EvidenceStore {
  public constructor(private readonly current: FsEvidenceStore) {}

  /** The record's own file: where the chain and a known-good version point. */
  public locate(document: EvidenceDocument, stage: EvidenceStage): string | undefined {
    try {
      return join(this.current.directory, historyKey(document, stage));
    } catch {
      return undefined;
    }
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    let path: string;
    try {
      path = join(this.current.directory, historyKey(document, stage));
    } catch (error) {
      throw new EvidenceWriteError(
        `cannot name the evidence file under ${this.current.directory}: ${errorMessageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeOnce(path, serializeEvidence(document));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' ? 'it already exists and is never replaced' : errorMessageOf(error);
      throw new EvidenceWriteError(`cannot write evidence to ${path}: ${why}`, { cause: error });
    }
    const location = await this.current.write(document, stage);
    return { uri: location.uri, extras: [...(location.extras ?? []), path] };
  }
}

/** A deploy's key as the bucket names it; a gate's the same, from the service it names and its run id. */
function historyKey(document: EvidenceDocument, stage: EvidenceStage): string {
  if (document.kind !== 'gate') return evidenceKey(document, stage);
  const { service, environment, run_id: runId } = document.context;
  if (service === undefined || environment === undefined) {
    throw new ConfigError('context.service', service, 'a gate keeps a history of its records only for a service');
  }
  // The CLI gate names no run in its context: the stamp, to the millisecond, is the run's as a check's is.
  if (runId !== undefined && !EVENT_ID_PATTERN.test(runId)) {
    throw new ConfigError('context.run_id', runId, 'must be 1-128 letters, digits, dots, dashes or underscores');
  }
  const { day, stamp } = keyTime(document.started_at);
  const stem = `${deployEvidencePrefix({ service, environment })}${day}/${stamp}${runId === undefined ? '' : `-${runId}`}`;
  return stage === 'verdict' ? `${stem}.json` : `${stem}.${stage}.json`;
}
