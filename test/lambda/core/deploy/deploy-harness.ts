// The deploy flow in-process for tests: a loopback service whose answers change with the (manual) time and with a
// file the rollback command touches, the real ShellRollbackExecutor, a state store, recording evidence and alerts,
// and a clock that moves when the driver sleeps (yielding a few real milliseconds, so a rollback command's child
// process can finish while the flow polls it). A five-minute window runs in milliseconds of wall time.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { EnvSecretSource } from '../../../../lambda/adapters/local/env-secret-source.ts';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import { ShellRollbackExecutor } from '../../../../lambda/adapters/local/shell-rollback.ts';
import { parseGateConfig } from '../../../../lambda/core/config/config-schema.ts';
import type { DeployPorts } from '../../../../lambda/core/deploy/deploy-ports.ts';
import type { DeployNext, FinishAnswer, StepAnswer } from '../../../../lambda/core/deploy/deploy-progress.ts';
import { driveDeploy } from '../../../../lambda/core/deploy/drive-deploy.ts';
import { startDeploy, type DeployRegistration, type DeployStart } from '../../../../lambda/core/deploy/start-deploy.ts';
import type { DeployRecord } from '../../../../lambda/core/gate/ports.ts';
import type { StateStore } from '../../../../lambda/core/state/state-store.ts';
import { parseWindowPolicy, type WindowPolicyInput } from '../../../../lambda/core/window/window-policy.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { RecordingEvidenceStore, RecordingNotifier } from '../gate/gate-harness.ts';

/** What the service answers `elapsedS` seconds after the deploy started, and whether the rollback has run. */
export type Behaviour = (elapsedS: number, healed: boolean, response: ServerResponse) => void;

export const healthy =
  (version = '1.4.2'): Behaviour =>
  (_elapsedS, healed, response) =>
    sendJson(response, 200, { status: 'ok', version: healed ? '1.4.1' : version });
export const warmingUp =
  (readyAtS: number): Behaviour =>
  (elapsedS, _healed, response) =>
    elapsedS < readyAtS
      ? sendJson(response, 503, { status: 'starting' })
      : sendJson(response, 200, { status: 'ok', version: '1.4.2' });
export const breakingAt =
  (brokenAtS: number): Behaviour =>
  (elapsedS, _healed, response) =>
    elapsedS < brokenAtS
      ? sendJson(response, 200, { status: 'ok', version: '1.4.2' })
      : sendJson(response, 500, { status: 'error', version: '1.4.2' });
/** Broken until the rollback command runs, then healthy on the version it went back to. */
export const healsOnRollback: Behaviour = (_elapsedS, healed, response) =>
  healed
    ? sendJson(response, 200, { status: 'ok', version: '1.4.1' })
    : sendJson(response, 503, { status: 'down', version: '1.4.2' });

export const DEPLOY: DeployRecord = { service: 'checkout', environment: 'prod', version: '1.4.2' };
/** Touches the file the service reads: the rollback that heals it. */
export const HEALING_COMMAND = 'touch healed && echo "rolled back to $ROLLGATE_TARGET_VERSION"';

export interface FlowRig {
  readonly clock: ManualClock;
  readonly started: Date;
  readonly dir: string;
  readonly server: LoopbackServer;
  readonly state: StateStore;
  readonly evidence: RecordingEvidenceStore;
  readonly notifier: RecordingNotifier;
  readonly ports: DeployPorts;
  /** Steps the driver ran, in order. */
  readonly steps: DeployNext[];
  run(options?: RunOptions): Promise<FinishAnswer>;
}

export interface RigOptions {
  readonly behaviour: Behaviour;
  /** The rollback command; none: no executor. */
  readonly command?: string;
  /** No state store: the flow is judged alone. */
  readonly stateless?: boolean;
}

export interface RunOptions {
  readonly window?: WindowPolicyInput;
  readonly mode?: DeployRegistration['rollback']['mode'];
  readonly approvalTimeoutMinutes?: number;
  readonly start?: Partial<DeployStart>;
  /** After each step, before the next: an operator answering, another run taking the lock. */
  readonly onStep?: (step: DeployNext, answer: StepAnswer) => void | Promise<void>;
  /** The driver's interrupt (a test aborts it from onStep, as a signal would). */
  readonly interrupt?: AbortSignal;
}

export function useFlowRigs(): (options: RigOptions) => Promise<FlowRig> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async (options) => {
    // The executor's handles are stamped with the real time; the manual clock starts there so the two agree.
    const started = new Date(Math.floor(Date.now() / 1000) * 1000);
    const clock = new ManualClock(started);
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-flow-'));
    const server = await startLoopbackServer((_request, response) =>
      options.behaviour((clock.now().getTime() - started.getTime()) / 1000, existsSync(join(dir, 'healed')), response),
    );
    cleanups.push(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const log: string[] = [];
    const evidence = new RecordingEvidenceStore(log);
    const notifier = new RecordingNotifier(log);
    const state = new FsStateStore({ directory: join(dir, 'state'), clock });
    const ports: DeployPorts = {
      gate: parseGateConfig({ targets: [{ url: server.url('/health'), name: 'api' }], retries: 0, backoffMs: 0 }),
      evidenceStore: evidence,
      notifier,
      secrets: new EnvSecretSource({}),
      clock,
      ...(options.stateless === true ? {} : { state }),
      ...(options.command !== undefined
        ? { rollbackExecutor: new ShellRollbackExecutor({ command: options.command, timeoutMs: 10_000, cwd: dir }) }
        : {}),
    };
    const steps: DeployNext[] = [];
    const run = async (runOptions: RunOptions = {}): Promise<FinishAnswer> => {
      const registration: DeployRegistration = {
        window: parseWindowPolicy(runOptions.window ?? {}),
        rollback: { mode: runOptions.mode ?? 'auto', approvalTimeoutMinutes: runOptions.approvalTimeoutMinutes },
      };
      const first = await startDeploy(
        { run_id: 'evt-123', kind: 'deploy', deploy: DEPLOY, ...runOptions.start },
        registration,
        ports,
      );
      return driveDeploy(first, ports, {
        sleep: async (ms) => {
          clock.advance(ms);
          await new Promise((done) => setTimeout(done, Math.min(ms, 5)));
        },
        onStep: async (step, answer) => {
          steps.push(step);
          await runOptions.onStep?.(step, answer);
        },
        interrupt: runOptions.interrupt,
      });
    };
    return { clock, started, dir, server, state, evidence, notifier, ports, steps, run };
  };
}
