// A history of real runs for the report's tests and its screenshot: the real runGate, with local adapters (files in
// the bucket's layout, a memory state store, a shell rollback, console alerts), probing a loopback service whose
// behaviour changes between runs, on a clock that steps through two days. It holds a passing deploy, a failing deploy
// that is rolled back to the known-good version, a monitor going down and recovering, and a later passing deploy; the
// failing service's body carries markup, as a hostile or careless service would.

import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { EnvSecretSource } from '../../lambda/adapters/local/env-secret-source.ts';
import { ConsoleNotifier } from '../../lambda/adapters/local/console-notifier.ts';
import { MemoryStateStore } from '../../lambda/adapters/local/memory-state-store.ts';
import { ShellRollbackExecutor } from '../../lambda/adapters/local/shell-rollback.ts';
import { parseGateConfig } from '../../lambda/core/config/config-schema.ts';
import type { EvidenceContext } from '../../lambda/core/evidence/evidence.ts';
import { runGate, type GateOutcome } from '../../lambda/core/gate/gate.ts';
import { BucketLayoutFsEvidenceStore } from './bucket-layout-fs-evidence-store.ts';
import { sendJson, startLoopbackServer } from './loopback-server.ts';
import { ManualClock } from './manual-clock.ts';

export const FIXTURE_SERVICE = { service: 'checkout', environment: 'prod' } as const;
export const FIXTURE_MONITOR = 'checkout-home';
export const FAILED_VERSION = '1.4.3';
/** What the failing version answers: markup that must stay text in every rendering. */
export const HOSTILE_DETAIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ReportFixture {
  /** The evidence directory the runs wrote to (deploys/..., checks/...). */
  readonly evidenceDir: string;
  readonly outcomes: readonly GateOutcome[];
  /** When the failing deploy started (ISO). */
  readonly failedDeployAt: string;
}

interface Behaviour {
  mode: 'up' | 'down';
  version: string;
  delayMs: number;
}

/** Runs the history into `evidenceDir`, ending `endsAgoMs` before now (so `--since 7d` holds all of it). */
export async function seedReportFixture(evidenceDir: string, endsAgoMs = 30 * MINUTE): Promise<ReportFixture> {
  const behaviour: Behaviour = { mode: 'up', version: '1.4.2', delayMs: 0 };
  const server = await startLoopbackServer((_request, response: ServerResponse) => {
    setTimeout(() => {
      if (behaviour.mode === 'up') sendJson(response, 200, { status: 'ok', version: behaviour.version });
      else sendJson(response, 503, { status: 'down', version: behaviour.version, detail: HOSTILE_DETAIL });
    }, behaviour.delayMs);
  });
  const end = Math.floor((Date.now() - endsAgoMs) / HOUR) * HOUR;
  const start = end - 48 * HOUR;
  const clock = new ManualClock(new Date(start));
  const ports = {
    evidenceStore: new BucketLayoutFsEvidenceStore(evidenceDir),
    notifier: new ConsoleNotifier(new Writable({ write: (_chunk, _encoding, done) => done() })),
    secrets: new EnvSecretSource({}),
    state: new MemoryStateStore({ clock }),
    clock,
  };
  const rollback = new ShellRollbackExecutor({
    command: 'echo "switching checkout to $ROLLGATE_TARGET_VERSION"',
    timeoutMs: 10_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const config = (expectedVersion?: string) =>
    parseGateConfig({
      targets: [{ name: 'home', url: server.url('/health') }],
      timeoutMs: 5_000,
      retries: 0,
      backoffMs: 0,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
  const outcomes: GateOutcome[] = [];
  let runs = 0;
  const at = (offsetMs: number): void => clock.advance(start + offsetMs - clock.now().getTime());
  // A latency that wanders, so the chart has a shape; small, so the fixture stays quick.
  const wander = (): void => {
    behaviour.delayMs = (runs * 7) % 23;
  };

  const deploy = async (offsetMs: number, version: string, broken: boolean): Promise<void> => {
    at(offsetMs);
    runs += 1;
    wander();
    Object.assign(behaviour, { mode: broken ? 'down' : 'up', version });
    const eventId = `evt-${runs}`;
    const context: EvidenceContext = {
      kind: 'deploy',
      deploy: { ...FIXTURE_SERVICE, version, event_id: eventId, commit: `${runs}abcdef0123456`.slice(0, 12) },
      run_id: eventId,
    };
    outcomes.push(await runGate(config(version), context, { ...ports, rollbackExecutor: rollback }));
    // The rollback command "switched" the hosts back: the service answers the version it went to.
    const rolledBackTo = outcomes.at(-1)!.evidence.rollback.target_version;
    if (broken && rolledBackTo !== undefined) Object.assign(behaviour, { mode: 'up', version: rolledBackTo });
  };
  const check = async (offsetMs: number): Promise<void> => {
    at(offsetMs);
    runs += 1;
    wander();
    const context: EvidenceContext = {
      kind: 'check',
      monitor: FIXTURE_MONITOR,
      ...FIXTURE_SERVICE,
      run_id: `chk-${runs}`,
    };
    outcomes.push(await runGate(config(), context, ports, { policy: { rollback: 'off' } }));
  };

  try {
    await deploy(0, '1.4.2', false);
    for (let minute = 30; minute < 48 * 60; minute += 30) {
      // The service falls over by itself for two hours on the first night, and comes back.
      if (minute === 20 * 60) behaviour.mode = 'down';
      if (minute === 22 * 60) behaviour.mode = 'up';
      await check(minute * MINUTE);
      if (minute === 6 * 60) await deploy((minute + 10) * MINUTE, FAILED_VERSION, true);
      if (minute === 30 * 60) await deploy((minute + 10) * MINUTE, '1.4.4', false);
    }
  } finally {
    await server.close();
  }
  const failed = outcomes.find((outcome) => outcome.evidence.context.deploy?.version === FAILED_VERSION);
  return { evidenceDir, outcomes, failedDeployAt: failed!.evidence.started_at };
}
