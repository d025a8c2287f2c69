// The four values the rollback document is sent (Service, Environment, FailedVersion, TargetVersion), checked against
// the document's own allowedPatterns before anything is sent, since they reach a host shell, and the command's comment.
// TargetVersion is never empty: a rollback to an unnamed version is refused here, not left to the host script.

import { NAME_PATTERN, VERSION_PATTERN } from '../../core/config/name-patterns.ts';

/** FailedVersion for a run with no deploy record (a monitor's check): the script must not trust it. */
export const UNKNOWN_FAILED_VERSION = 'unknown';
const MAX_COMMENT_LENGTH = 100;

/** Service and environment for runs without a deploy record: a monitor that rolls back on failure. */
export interface RollbackScope {
  readonly service: string;
  readonly environment: string;
}

export interface DocumentValues {
  readonly Service: string;
  readonly Environment: string;
  readonly FailedVersion: string;
  readonly TargetVersion: string;
}

/** The document's four values, or the first one that may not be sent. */
export function documentParameters(
  scope: RollbackScope,
  failedVersion: string | undefined,
  targetVersion: string | undefined,
): { readonly values: DocumentValues } | { readonly problem: string } {
  if (targetVersion === undefined || targetVersion === '') {
    return { problem: 'no TargetVersion: no known-good version and no previousVersion to roll back to' };
  }
  const values: DocumentValues = {
    Service: scope.service,
    Environment: scope.environment,
    FailedVersion: failedVersion ?? UNKNOWN_FAILED_VERSION,
    TargetVersion: targetVersion,
  };
  // The document's parameters reach a host shell: the same patterns as its allowedPatterns, checked before sending.
  const patterns: Record<keyof DocumentValues, RegExp> = {
    Service: NAME_PATTERN,
    Environment: NAME_PATTERN,
    FailedVersion: VERSION_PATTERN,
    TargetVersion: VERSION_PATTERN,
  };
  for (const name of Object.keys(patterns) as Array<keyof DocumentValues>) {
    if (!patterns[name].test(values[name])) {
      const shown = JSON.stringify(values[name]);
      return { problem: `document parameter ${name} ${shown} does not match ${patterns[name].source}` };
    }
  }
  return { values };
}

/** `Rollgate rollback checkout/prod 1.4.2 -> 1.4.1`, within SendCommand's 100-character comment. */
export function commentFor(values: DocumentValues): string {
  const scope = `${values.Service}/${values.Environment}`;
  const comment = `Rollgate rollback ${scope} ${values.FailedVersion} -> ${values.TargetVersion}`;
  return comment.length <= MAX_COMMENT_LENGTH ? comment : `${comment.slice(0, MAX_COMMENT_LENGTH - 3)}...`;
}
