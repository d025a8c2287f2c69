// runGate with memory: a MemoryStateStore and a manual clock shared by the gate and the store, a loopback service
// whose behaviour a test changes between runs, and helpers that run a monitor's check or a deploy gate at a minute.
import type { ServerResponse } from 'node:http';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import type { EvidenceContext } from '../../../../lambda/core/evidence/evidence.ts';
import { runGate, type GateOutcome, type GateRunOptions } from '../../../../lambda/core/gate/gate.ts';
import type { RollbackExecutor, RollbackRequest } from '../../../../lambda/core/gate/ports.ts';
import type { RollbackResult } from '../../../../lambda/core/rollback/rollback-result.ts';
import type { StateStore } from '../../../../lambda/core/state/state-store.ts';
import { sendJson, type LoopbackServer, type RouteHandler } from '../../../support/loopback-server.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { config, harness, ROLLBACK_OK, type Harness } from './gate-harness.ts';

export const START = new Date('2026-11-23T10:00:00.000Z');
export const MINUTE = 60_000;

/** What the service answers: healthy on a version, or down. A test flips it between runs. */
export interface ServiceBehaviour {
  mode: 'up' | 'down';
  version: string;
}

export function switchableService(behaviour: ServiceBehaviour): RouteHandler {
  return (_request, response: ServerResponse) =>
    behaviour.mode === 'up'
      ? sendJson(response, 200, { status: 'ok', version: behaviour.version })
      : sendJson(response, 503, { status: 'down', version: behaviour.version });
}

/** A rollback executor that records each request and answers ROLLBACK_OK, optionally only once `gate` resolves. */
export class CountingRollback implements RollbackExecutor {
  public readonly requests: RollbackRequest[] = [];
  public constructor(
    private readonly answer: RollbackResult = ROLLBACK_OK,
    private readonly gate?: Promise<void>,
  ) {}

  public describe(): string {
    return 'SSM document RollgateRollback';
  }

  public async run(request: RollbackRequest): Promise<RollbackResult> {
    this.requests.push(request);
    if (this.gate !== undefined) await this.gate;
    return this.answer;
  }
}

export interface MemoryRig {
  readonly clock: ManualClock;
  readonly store: MemoryStateStore;
  readonly h: Harness;
  readonly rollback: CountingRollback;
  /** Alert types of each run, in order. */
  readonly alertsByRun: string[][];
  /** A monitor check of `server` at `minute` (from START). */
  check(server: LoopbackServer, minute: number, options?: CheckOptions): Promise<GateOutcome>;
  /** A deploy gate of `version` (previous `previous`) at `minute`, probing `server`. */
  deploy(server: LoopbackServer, minute: number, version: string, options?: DeployOptions): Promise<GateOutcome>;
}

export interface CheckOptions {
  readonly monitor?: string;
  readonly expectedVersion?: string;
  readonly policy?: GateRunOptions['policy'];
  readonly rollback?: RollbackExecutor | null;
  readonly state?: StateStore;
}

export interface DeployOptions {
  readonly previous?: string;
  readonly eventId?: string;
  readonly rollback?: RollbackExecutor | null;
  readonly state?: StateStore;
}

export function memoryRig(): MemoryRig {
  const clock = new ManualClock(START);
  const store = new MemoryStateStore({ clock });
  const h = harness();
  const rollback = new CountingRollback();
  const alertsByRun: string[][] = [];
  let runs = 0;
  const at = (minute: number) => clock.advance(START.getTime() + minute * MINUTE - clock.now().getTime());
  const recorded = async (run: Promise<GateOutcome>): Promise<GateOutcome> => {
    const outcome = await run;
    alertsByRun.push(outcome.alerts.map((alert) => alert.type));
    return outcome;
  };
  const executor = (given: RollbackExecutor | null | undefined) =>
    given === null ? {} : { rollbackExecutor: given ?? rollback };
  return {
    clock,
    store,
    h,
    rollback,
    alertsByRun,
    check: (server, minute, options = {}) => {
      at(minute);
      runs += 1;
      const context: EvidenceContext = {
        kind: 'check',
        monitor: options.monitor ?? 'checkout-prod',
        service: 'checkout',
        environment: 'prod',
        run_id: `check-${runs}`,
      };
      const gateConfig = config({
        targets: [{ url: server.url('/health') }],
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      });
      const ports = { ...h.ports, ...executor(options.rollback), state: options.state ?? store, clock };
      return recorded(
        runGate(gateConfig, context, ports, options.policy !== undefined ? { policy: options.policy } : {}),
      );
    },
    deploy: (server, minute, version, options = {}) => {
      at(minute);
      runs += 1;
      const eventId = options.eventId ?? `evt-${runs}`;
      const context: EvidenceContext = {
        kind: 'deploy',
        deploy: {
          service: 'checkout',
          environment: 'prod',
          version,
          ...(options.previous !== undefined ? { previous_version: options.previous } : {}),
          event_id: eventId,
        },
        run_id: eventId,
      };
      const gateConfig = config({ targets: [{ url: server.url('/health') }], expectedVersion: version });
      const ports = { ...h.ports, ...executor(options.rollback), state: options.state ?? store, clock };
      return recorded(runGate(gateConfig, context, ports));
    },
  };
}
