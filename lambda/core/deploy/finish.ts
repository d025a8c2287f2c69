// The deploy flow's last step: the service's record after the rollback (its target deployed and the failed version no
// longer known-good only when the verification passed; the rollback's time either way) with the deploy no longer
// under way, the lock given back, the rollback record when anything happened after the verdict record, its alerts, and
// a delivery record when an alert could not be delivered. Answers the verdict and where the records went.

import { ConfigError } from '../errors.ts';
import type { EvidenceState } from '../evidence/evidence-state.ts';
import { systemClock } from '../gate/ports.ts';
import { planAfterRollback } from '../plan/plan-after-rollback.ts';
import type { ServiceState } from '../state/service-state.ts';
import { deployDocument } from './deploy-document.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, FinishAnswer } from './deploy-progress.ts';
import { recordAndAlert } from './deploy-records.ts';
import { deployRedactor } from './deploy-redactor.ts';
import { releaseLock, updateServiceRecord, withOngoing } from './deploy-state.ts';

export async function finish(progress: DeployProgress, ports: DeployPorts): Promise<FinishAnswer> {
  const verdict = progress.verdict;
  if (progress.phase !== 'finishing' || verdict === undefined) {
    throw new ConfigError('progress.phase', progress.phase, 'is not finishing, with a verdict: finish runs last');
  }
  const clock = ports.clock ?? systemClock;
  const redactor = await deployRedactor(ports);
  const rollback = progress.rollback;
  const decision = rollback?.decision;
  let current = progress;

  const store = ports.state;
  const scope = progress.scope;
  if (store !== undefined && scope !== undefined) {
    const at = clock.now();
    const result = rollback?.result;
    const verification =
      rollback?.outcome === 'recovered' || rollback?.outcome === 'still_failing' ? rollback.outcome : undefined;
    const change = (service: ServiceState | undefined): ServiceState | undefined => {
      if (result === undefined || decision?.action !== 'run') return withOngoing(service, undefined, progress.run_id);
      const after = planAfterRollback({ decision, result, verification, service, stateful: true, at }).next.service;
      return withOngoing(after, undefined, progress.run_id) ?? after;
    };
    const updated = await updateServiceRecord(store, scope, change, redactor);
    const released =
      rollback?.lock_held === true && decision !== undefined && 'lock' in decision && decision.lock !== undefined
        ? await releaseLock(store, decision.lock, clock.now(), redactor)
        : [];
    current = {
      ...current,
      faults: [...current.faults, ...updated.faults, ...released],
      ...(updated.written !== undefined && current.state !== undefined
        ? { state: withService(current.state, updated.written) }
        : {}),
      ...(rollback !== undefined ? { rollback: { ...rollback, lock_held: false } } : {}),
    };
  }

  if (rollback !== undefined && rollback.outcome !== rollback.recorded_outcome) {
    current = await recordAndAlert(
      current,
      deployDocument(current, verdict, ports, clock.now(), 'rollback'),
      'rollback',
      rollback.follow_ups ?? [],
      ports,
      redactor,
    );
    current = { ...current, rollback: { ...current.rollback!, recorded_outcome: rollback.outcome } };
  }
  if (current.alerts.some((alert) => alert.delivered === false)) {
    current = await recordAndAlert(
      current,
      deployDocument(current, verdict, ports, clock.now(), 'delivery'),
      'delivery',
      [],
      ports,
      redactor,
    );
  }
  const done: DeployProgress = { ...current, phase: 'done' };
  return {
    progress: done,
    response: {
      run_id: done.run_id,
      status: verdict.status,
      status_reason: verdict.status_reason,
      decided_by: verdict.decided_by,
      rollback_outcome: done.rollback?.outcome ?? 'not_needed',
      evidence: done.evidence,
      evidence_written: done.evidence_written,
      alerts: done.alerts,
      faults: done.faults,
    },
  };
}

/** The state view with the service's record as finish left it. */
function withService(state: EvidenceState, service: ServiceState): EvidenceState {
  if (state.service === undefined) return state;
  return {
    ...state,
    service: {
      ...state.service,
      deployed: service.deployed?.version ?? null,
      known_good: service.knownGood[0]?.version ?? null,
      last_rollback_at: service.lastRollbackAt ?? null,
    },
  };
}
