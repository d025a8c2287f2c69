// Part 5, the deploy flow: one deploy of a loopback service judged in-process by the same steps the stack's workflow
// runs (the local driver, driveDeploy), under the default window policy. The probes, the rollback command and the
// records run for real; the waits the policy asks for (intervals, the bake, the rollback's polls) pass on a clock that
// adds them to the real elapsed time instead of sleeping, so a deploy that would take minutes is measured in seconds
// and its timeline is the one it would have. Each step's own time and what it wrote are kept, for the cost model.

import { mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConsoleNotifier } from '../lambda/adapters/local/console-notifier.ts';
import { FsEvidenceStore } from '../lambda/adapters/local/fs-evidence-store.ts';
import { ShellRollbackExecutor } from '../lambda/adapters/local/shell-rollback.ts';
import { registeredDeploy } from '../lambda/core/config/registered-deploy.ts';
import { parseRegistry } from '../lambda/core/config/registry.ts';
import type { DeployPorts } from '../lambda/core/deploy/deploy-ports.ts';
import type { DeployNext, StepAnswer } from '../lambda/core/deploy/deploy-progress.ts';
import { driveDeploy } from '../lambda/core/deploy/drive-deploy.ts';
import { deployRegistrationOf, startDeploy } from '../lambda/core/deploy/start-deploy.ts';
import type { Clock, EvidenceStage } from '../lambda/core/gate/ports.ts';
import { CLI_ADDRESS_POLICY } from '../lambda/core/probe/probe.ts';
import type { WindowPolicy } from '../lambda/core/window/window-policy.ts';

/** What the service does: healthy on the new version from the start, or down until the rollback command heals it. */
export type DeployScenario = 'healthy' | 'heals_on_rollback';

/** One step of the flow, as the workflow would run it: a task invocation, then the wait its answer asks for. */
export interface DeployStepRecord {
  /** `start` and `finish` included. */
  readonly step: DeployNext | 'start';
  /** When the step ended, seconds from the deploy's start on the flow's clock. */
  readonly at_s: number;
  /** The step's own time (probes, command, records), measured. */
  readonly step_ms: number;
  /** The wait its answer asked for before the next step: `until` a time or `seconds`, or none. */
  readonly wait: 'until' | 'seconds' | 'none';
  /** The size of its answer as JSON: the state the workflow passes on (and logs, at level ALL). */
  readonly answer_bytes: number;
}

export interface LocalDeployRun {
  readonly scenario: DeployScenario;
  readonly policy: WindowPolicy;
  readonly status: string;
  readonly rollback_outcome: string;
  readonly steps: readonly DeployStepRecord[];
  /** Evidence records written (each an S3 PUT on AWS). */
  readonly evidence_writes: number;
  readonly alerts: readonly string[];
  /** When the verdict was decided and (after a rollback) when the verification decided, on the flow's clock. */
  readonly verdict_at_s: number;
  readonly recovered_at_s: number | undefined;
  /** How long the run itself took on this machine. */
  readonly real_wall_ms: number;
}

/** Real time plus the waits slept on it: probes and commands take their real time, the policy's waits none. */
class FlowClock implements Clock {
  private slept = 0;
  private readonly realStart = performance.now();

  public constructor(private readonly start: number) {}

  public now(): Date {
    return new Date(this.start + this.monotonicMs());
  }

  public monotonicMs(): number {
    return performance.now() - this.realStart + this.slept;
  }

  /**
   * Lets a little real time pass (a rollback command runs in a child process, which needs it to finish), and the
   * rest of `ms` pass on the clock alone, so the timeline is exactly the one asked for.
   */
  public async sleep(ms: number): Promise<void> {
    const before = performance.now();
    await new Promise((done) => setTimeout(done, Math.min(ms, REAL_SLICE_MS)));
    this.slept += Math.max(0, ms - (performance.now() - before));
  }
}

const SERVICE = 'bench-checkout';
/** Real time let pass on each wait, at most. */
const REAL_SLICE_MS = 25;

export async function runLocalDeploy(scenario: DeployScenario): Promise<LocalDeployRun> {
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-bench-deploy-'));
  const healed = join(directory, 'healed');
  const server = await startService(scenario, healed);
  try {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the bench service has no port');
    const registry = parseRegistry({
      services: [
        {
          service: SERVICE,
          environment: 'prod',
          targets: [{ url: `http://127.0.0.1:${address.port}/health`, allowPrivate: true }],
          probe: { retries: 0, timeoutMs: 2_000 },
          rollback: { mode: 'auto' },
        },
      ],
      monitors: [],
    });
    const registered = registeredDeploy({ service: SERVICE, environment: 'prod', version: '1.4.2' }, registry, '');
    const clock = new FlowClock(Date.now());
    const evidence = new CountingEvidenceStore(new FsEvidenceStore(join(directory, 'evidence')));
    const notifier = new ConsoleNotifier(new Writable({ write: (_chunk, _encoding, done) => done() }));
    const ports: DeployPorts = {
      gate: registered.gateConfig,
      evidenceStore: evidence,
      notifier,
      clock,
      addressPolicy: CLI_ADDRESS_POLICY,
      rollbackExecutor: new ShellRollbackExecutor({ command: `touch '${healed}'`, timeoutMs: 30_000, cwd: directory }),
    };
    const steps: DeployStepRecord[] = [];
    let stepStarted = clock.monotonicMs();
    const record = (step: DeployStepRecord['step'], answer: unknown) => {
      const now = clock.monotonicMs();
      const asked = answer as Partial<StepAnswer>;
      const wait = asked.wait_until !== undefined ? 'until' : asked.wait_seconds ? 'seconds' : 'none';
      const answer_bytes = Buffer.byteLength(JSON.stringify(answer));
      steps.push({ step, at_s: now / 1000, step_ms: now - stepStarted, wait, answer_bytes });
    };
    const realStart = performance.now();
    const first = await startDeploy(
      {
        kind: 'deploy',
        run_id: `bench-${scenario}`,
        deploy: { service: SERVICE, environment: 'prod', version: '1.4.2', previous_version: '1.4.1' },
      },
      deployRegistrationOf(registered.service),
      ports,
    );
    record('start', first);
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      stepStarted = clock.monotonicMs();
    };
    stepStarted = clock.monotonicMs();
    const finished = await driveDeploy(first, ports, {
      sleep,
      onStep: (step, answer) => {
        record(step, answer);
        stepStarted = clock.monotonicMs();
      },
    });
    record('finish', finished);
    const { progress, response } = finished;
    const startedAt = Date.parse(progress.started_at);
    const verification = progress.rollback?.verification?.history.at(-1);
    return {
      scenario,
      policy: progress.policy.window,
      status: response.status,
      rollback_outcome: response.rollback_outcome,
      steps,
      evidence_writes: evidence.writes,
      alerts: notifier.sent.map((alert) => alert.type),
      verdict_at_s: (Date.parse(progress.verdict?.decided_at ?? progress.started_at) - startedAt) / 1000,
      // The verification decides on its last round: the service is known to be back from that round on.
      recovered_at_s:
        response.rollback_outcome === 'recovered' && verification !== undefined
          ? (Date.parse(verification.at) - startedAt) / 1000
          : undefined,
      real_wall_ms: performance.now() - realStart,
    };
  } finally {
    await new Promise((done) => server.close(done));
    rmSync(directory, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** Healthy on 1.4.2, or down (503) until the rollback command's file exists, then healthy on 1.4.1. */
async function startService(scenario: DeployScenario, healed: string): Promise<Server> {
  const server = createServer((_request, response) => {
    const up = scenario === 'healthy' || existsSync(healed);
    response.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(up ? { status: 'ok', version: scenario === 'healthy' ? '1.4.2' : '1.4.1' } : { status: 'down' }),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

class CountingEvidenceStore {
  public writes = 0;

  public constructor(private readonly store: FsEvidenceStore) {}

  public locate(document: Parameters<FsEvidenceStore['locate']>[0], stage: EvidenceStage): string {
    return this.store.locate(document, stage);
  }

  public write(document: Parameters<FsEvidenceStore['write']>[0], stage: EvidenceStage) {
    this.writes += 1;
    return this.store.write(document, stage);
  }
}
