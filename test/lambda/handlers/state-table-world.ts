// The handler world's state table from a test's side: seed what earlier runs would have left (a service's deployed and
// known-good versions, a pause), read what a run left, and a loopback service whose answer a test changes between
// runs (up, down, on another version).
import type { ServerResponse } from 'node:http';
import { DynamoDbStateStore } from '../../../lambda/adapters/aws/dynamodb-state-store.ts';
import type { MonitorState } from '../../../lambda/core/state/monitor-state.ts';
import type { ServiceState } from '../../../lambda/core/state/service-state.ts';
import { monitorStateKey, serviceStateKey } from '../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../lambda/core/state/state-store.ts';
import { motoClients } from '../../support/aws-fixtures.ts';
import { sendJson, type RouteHandler } from '../../support/loopback-server.ts';
import type { GateResponse } from '../../../lambda/handlers/gate-response.ts';
import type { AwsCallRecorder, HandlerWorld } from './handler-harness.ts';

/** The adapter the handlers use, on the world's table, through the test's own moto client. */
export function stateStoreOf(world: HandlerWorld): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: motoClients().dynamodb, tableName: world.stateTable });
}

export interface SeededService {
  readonly deployed?: string;
  /** Newest first, as a deploy gate records them: each an hour older than the one before. */
  readonly knownGood?: readonly string[];
  readonly lastRollbackAt?: Date;
  /** @default prod */
  readonly environment?: string;
}

/** Writes `service#<service>#<environment>` as passed deploy gates would have left it. */
export async function seedServiceState(world: HandlerWorld, service: string, seed: SeededService): Promise<void> {
  const now = Date.now();
  const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
  const value: ServiceState = {
    ...(seed.deployed !== undefined ? { deployed: { version: seed.deployed, at: hoursAgo(1) } } : {}),
    knownGood: (seed.knownGood ?? []).map((version, index) => ({ version, at: hoursAgo(index + 1) })),
    ...(seed.lastRollbackAt !== undefined ? { lastRollbackAt: seed.lastRollbackAt.toISOString() } : {}),
  };
  const key = serviceStateKey(service, seed.environment ?? 'prod');
  const store = stateStoreOf(world);
  const found = await store.read([key]);
  await store.write([putState(key, value, found.revisionOf(key))]);
}

export async function readServiceState(
  world: HandlerWorld,
  service: string,
  environment = 'prod',
): Promise<ServiceState | undefined> {
  const key = serviceStateKey(service, environment);
  return (await stateStoreOf(world).read([key])).get(key)?.value;
}

export async function readMonitorState(world: HandlerWorld, monitor: string): Promise<MonitorState | undefined> {
  const key = monitorStateKey(monitor);
  return (await stateStoreOf(world).read([key])).get(key)?.value;
}

/** What a switchable service answers: 200 on its version, or 503 (still naming its version). */
export interface ServiceBehaviour {
  mode: 'up' | 'down';
  version: string;
}

export function switchableService(behaviour: ServiceBehaviour): RouteHandler {
  return (_request, response: ServerResponse) =>
    sendJson(response, behaviour.mode === 'up' ? 200 : 503, {
      status: behaviour.mode === 'up' ? 'ok' : 'down',
      version: behaviour.version,
    });
}

/** One invocation's response and the alert types it published, in order. */
export interface RecordedRun {
  readonly response: GateResponse;
  readonly alerts: string[];
}

/** Runs `invoke` and returns what it answered and which alerts it published (from `calls`, which sees every client). */
export async function recordedRun(calls: AwsCallRecorder, invoke: () => Promise<GateResponse>): Promise<RecordedRun> {
  const before = calls.published.length;
  const response = await invoke();
  return { response, alerts: calls.published.slice(before).map((alert) => alert.type) };
}
