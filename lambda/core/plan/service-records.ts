// How a service's record changes: a deploy is recorded as deployed whatever its verdict, and as known-good when it
// passed; a rollback is recorded with its time (the cooldown counts from it) and, when it succeeded, makes its target
// the deployed version again (so monitors expecting the deployed version expect what now runs), and the version it
// left no longer known-good.

import { MAX_KNOWN_GOOD_VERSIONS, type ServiceState, type VersionRecord } from '../state/service-state.ts';
import type { RunRecord } from '../state/state-field-schemas.ts';
import type { DeployedVersion, RollbackTargetVersion } from './run-plan.ts';
import { sameVersion } from './choose-rollback-target.ts';

const EMPTY_SERVICE: ServiceState = { knownGood: [] };

export interface DeployRecordInput {
  readonly prior: ServiceState | undefined;
  readonly deploy: DeployedVersion | undefined;
  readonly passed: boolean;
  readonly at: Date;
  readonly evidenceUri?: string | undefined;
  readonly lastRun: RunRecord;
}

export function recordDeploy(input: DeployRecordInput): ServiceState {
  const prior = input.prior ?? EMPTY_SERVICE;
  if (input.deploy === undefined) return { ...prior, lastRun: input.lastRun };
  // Known-good versions are listed newest first; a clock that went back must not put this one out of order.
  const newest = prior.knownGood[0];
  const atMs = Math.max(input.at.getTime(), newest === undefined ? 0 : Date.parse(newest.at));
  const record: VersionRecord = {
    version: input.deploy.version,
    ...(input.deploy.digest !== undefined ? { digest: input.deploy.digest } : {}),
    ...(input.deploy.commit !== undefined ? { commit: input.deploy.commit } : {}),
    at: new Date(atMs).toISOString(),
    ...(input.evidenceUri !== undefined ? { evidence: input.evidenceUri } : {}),
  };
  const knownGood = input.passed
    ? [record, ...prior.knownGood.filter((known) => !sameVersion(known.version, record.version))].slice(
        0,
        MAX_KNOWN_GOOD_VERSIONS,
      )
    : prior.knownGood;
  return { ...prior, deployed: { ...record, at: input.at.toISOString() }, knownGood, lastRun: input.lastRun };
}

/**
 * The record after a rollback was sent: its time (the cooldown counts from it) and, when it succeeded, its target as
 * the deployed version again. The version it went away from is no longer known-good: it failed where it ran, and a
 * later rollback must not return to it.
 */
export function recordRollback(
  prior: ServiceState | undefined,
  target: RollbackTargetVersion | undefined,
  succeeded: boolean,
  at: Date,
): ServiceState {
  const base = prior ?? EMPTY_SERVICE;
  const now = at.toISOString();
  if (!succeeded || target === undefined) return { ...base, lastRollbackAt: now };
  const deployed: VersionRecord = { ...(target.record ?? {}), version: target.version, at: now };
  const from = base.deployed?.version;
  const knownGood =
    from === undefined || sameVersion(from, target.version)
      ? base.knownGood
      : base.knownGood.filter((known) => !sameVersion(known.version, from));
  return { ...base, lastRollbackAt: now, deployed, knownGood };
}
