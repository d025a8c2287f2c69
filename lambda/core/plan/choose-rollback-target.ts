// Which version a rollback goes to: the newest known-good version that differs from the one that failed. A deploy
// event's previousVersion is only a hint, checked against that record; it is used, unverified, only while the service
// has no known-good record of its own. With neither there is no target, and so no rollback.

import type { VersionRecord } from '../state/service-state.ts';
import type { RollbackTargetVersion } from './run-plan.ts';

export interface RollbackTargetInput {
  /** The version being rolled back from, when known (a deploy's version, a monitor's deployed version). */
  readonly failedVersion?: string | undefined;
  /** The deploy event's previousVersion. */
  readonly hint?: string | undefined;
  /** Versions that passed a gate, newest first ([] without a record). */
  readonly knownGood: readonly VersionRecord[];
}

export interface RollbackTargetChoice {
  readonly target?: RollbackTargetVersion;
  readonly notes: readonly string[];
}

export function chooseRollbackTarget(input: RollbackTargetInput): RollbackTargetChoice {
  const failed = input.failedVersion;
  const known = input.knownGood.find((record) => failed === undefined || !sameVersion(record.version, failed));
  const hint =
    input.hint !== undefined && (failed === undefined || !sameVersion(input.hint, failed)) ? input.hint : undefined;
  if (known !== undefined) {
    const notes =
      hint !== undefined && !sameVersion(hint, known.version)
        ? [
            `the event's previousVersion ${hint} is not the newest known-good version before ${failed ?? 'this one'}; ` +
              `rolling back to the known-good ${known.version}`,
          ]
        : [];
    return { target: { version: known.version, source: 'known_good', record: known }, notes };
  }
  if (hint !== undefined) {
    const why =
      input.knownGood.length === 0
        ? 'no known-good version is recorded yet'
        : `the only known-good version recorded is ${failed}, the one that failed`;
    return {
      target: { version: hint, source: 'previous_version_unverified' },
      notes: [`${why}: rolling back to the event's previousVersion ${hint}, unverified`],
    };
  }
  return { notes: [] };
}

/** Versions compare as the probes compare them: a leading v is not part of the version. */
export function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/i, '') === b.replace(/^v/i, '');
}
