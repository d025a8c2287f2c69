// The deploy flow's first step: settle the policy (the registration's window, shortened by what the event or the CLI
// asks; the rollback mode, approval timeout and lock hold), start the watch window, and mark the deploy as under way
// in the service's record. A request the registration refuses is not thrown: it becomes the verdict failed /
// invalid_config (decided_by config_problem), recorded and alerted by decide like any other.

import type { ServiceConfig } from '../config/service-schema.ts';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES } from '../config/service-schema.ts';
import { DEFAULT_ROLLBACK_WAIT_SECONDS } from '../config/stack-contract.ts';
import { ConfigError, ConfigErrors } from '../errors.ts';
import type { CiContext } from '../evidence/ci-context.ts';
import type { EvidenceContext } from '../evidence/evidence.ts';
import { systemClock, type DeployRecord } from '../gate/ports.ts';
import { DEFAULT_COOLDOWN_MINUTES, DEFAULT_ROLLBACK_LOCK_HOLD_MS } from '../plan/plan-policy.ts';
import { createRedactor } from '../secrets/redact.ts';
import { decideVerdict, type Verdict } from '../verdict/verdict.ts';
import {
  parseWindowPolicy,
  shortenPolicy,
  verificationPolicy,
  type WindowPolicy,
  type WindowPolicyRequest,
} from '../window/window-policy.ts';
import { startWindow } from '../window/window-state.ts';
import type { DeployPorts } from './deploy-ports.ts';
import {
  DEPLOY_PROGRESS_VERSION,
  type DeployDecidedBy,
  type DeployPolicy,
  type DeployProgress,
  type StepAnswer,
} from './deploy-progress.ts';
import { updateServiceRecord, withOngoing } from './deploy-state.ts';
import { verdictCounts } from './window-verdict.ts';

/** What a service's registration says about its deploys (or what the CLI says for an ad-hoc gate). */
export interface DeployRegistration {
  /** The registered window, before an event's request. */
  readonly window: WindowPolicy;
  readonly rollback: {
    readonly mode: 'auto' | 'approve' | 'off';
    /** How long the rollback command is followed. @default DEFAULT_ROLLBACK_WAIT_SECONDS */
    readonly waitSeconds?: number | undefined;
    /** @default DEFAULT_APPROVAL_TIMEOUT_MINUTES */
    readonly approvalTimeoutMinutes?: number | undefined;
  };
  /** @default DEFAULT_COOLDOWN_MINUTES */
  readonly cooldownMinutes?: number | undefined;
}

/** A registered service's deploy settings; a service with no `window` is watched with the default one. */
export function deployRegistrationOf(service: ServiceConfig): DeployRegistration {
  return {
    window: service.window ?? parseWindowPolicy({}),
    rollback: {
      mode: service.rollback.mode,
      waitSeconds: service.rollback.waitSeconds,
      approvalTimeoutMinutes: service.rollback.approvalTimeoutMinutes,
    },
  };
}

export interface DeployStart {
  /** Who this run is: the rollback lock's owner, the approval's run, the evidence's run id. */
  readonly run_id: string;
  /** `deploy` for a deploy (event or `rollgate deploy`), `gate` for `rollgate gate --window`. */
  readonly kind: 'deploy' | 'gate';
  readonly deploy?: DeployRecord;
  readonly ci?: CiContext;
  /** Whose state applies when there is no deploy record (`rollgate gate --window --service S --environment E`). */
  readonly scope?: { readonly service: string; readonly environment: string };
  /** The version every target must report; @default the deploy's version */
  readonly expected_version?: string;
  /** What the event or the CLI asks of the window: it may only shorten it (shortenPolicy). */
  readonly window?: WindowPolicyRequest;
  /** How the request's fields are named in errors. @default "window" */
  readonly window_field?: string;
}

export async function startDeploy(
  input: DeployStart,
  registration: DeployRegistration,
  ports: DeployPorts,
): Promise<StepAnswer> {
  const clock = ports.clock ?? systemClock;
  const now = clock.now();
  const scope =
    input.deploy !== undefined ? { service: input.deploy.service, environment: input.deploy.environment } : input.scope;
  const context: EvidenceContext = {
    kind: input.kind,
    ...(input.ci !== undefined ? { ci: input.ci } : {}),
    ...(input.deploy !== undefined ? { deploy: input.deploy } : {}),
    ...(input.deploy === undefined && scope !== undefined ? scope : {}),
    run_id: input.run_id,
  };
  const mode = ports.rollbackExecutor === undefined ? 'off' : registration.rollback.mode;
  let window = registration.window;
  let refused: ConfigError | ConfigErrors | undefined;
  try {
    window = shortenPolicy(registration.window, input.window, input.window_field ?? 'window');
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    refused = error;
  }
  const verify = verificationPolicy(window);
  const waitSeconds = registration.rollback.waitSeconds ?? DEFAULT_ROLLBACK_WAIT_SECONDS;
  const policy: DeployPolicy = {
    window,
    verify,
    rollback: {
      mode,
      approval_timeout_minutes: registration.rollback.approvalTimeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES,
    },
    // The lock covers the command's wait and the verification after it, with room to record.
    lock_hold_ms: Math.max(DEFAULT_ROLLBACK_LOCK_HOLD_MS, (waitSeconds + verify.windowSeconds + 600) * 1000),
    cooldown_minutes: registration.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES,
  };
  const expected = input.expected_version ?? input.deploy?.version;
  let progress: DeployProgress = {
    progress_version: DEPLOY_PROGRESS_VERSION,
    run_id: input.run_id,
    context,
    ...(scope !== undefined ? { scope } : {}),
    expected_version: expected ?? null,
    policy,
    phase: 'watching',
    started_at: now.toISOString(),
    window: startWindow(now),
    alerts: [],
    faults: [],
    evidence: {},
    evidence_written: true,
    notes: [],
  };

  // A request the registration refuses, or nothing to probe: the verdict is known before any round.
  const decidedAtStart = (verdict: Verdict, decidedBy: DeployDecidedBy, message: string): StepAnswer => ({
    progress: {
      ...progress,
      phase: 'deciding',
      verdict: {
        ...verdictCounts(verdict),
        decided_by: decidedBy,
        message,
        decided_at: now.toISOString(),
        version_only: false,
      },
    },
    next: 'decide',
  });
  if (refused !== undefined) {
    const problem = createRedactor().text(refused.message);
    return decidedAtStart(
      decideVerdict({ targets: [], configProblem: problem }),
      'config_problem',
      `configuration cannot be used: ${problem}`,
    );
  }
  if (ports.gate.targets.length === 0) {
    return decidedAtStart(
      decideVerdict({ targets: [] }),
      'no_targets',
      'no health URLs configured: the rollout was not validated',
    );
  }
  if (ports.state !== undefined && scope !== undefined && expected !== undefined) {
    const ongoing = {
      kind: 'deploy' as const,
      version: expected,
      startedAt: now.toISOString(),
      execution: input.run_id,
    };
    const marked = await updateServiceRecord(
      ports.state,
      scope,
      (service) => withOngoing(service, ongoing, input.run_id),
      createRedactor(),
    );
    progress = { ...progress, faults: [...progress.faults, ...marked.faults] };
  }
  return { progress, next: 'probe_round' };
}
