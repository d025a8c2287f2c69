// Part 4, the state table: what a monitor run, a deploy gate and a rollback cost in DynamoDB request units, counted
// from the calls the real engine makes. runGate runs against a loopback service with a recording state store, and each
// call is priced as the DynamoDB adapter sends it: one BatchGetItem per read (strongly consistent: a read request unit
// per 4 KB of each item, at least one per key, found or not), one PutItem or DeleteItem per single change (a write
// request unit per 1 KB), a TransactWriteItems for several (twice that). Item sizes are DynamoDB's: attribute names
// and values, the JSON document included.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { locateS3Evidence } from '../lambda/adapters/evidence-key.ts';
import { MemoryStateStore } from '../lambda/adapters/local/memory-state-store.ts';
import type { GateConfig } from '../lambda/core/config/config-schema.ts';
import type { EvidenceContext } from '../lambda/core/evidence/evidence.ts';
import { runGate } from '../lambda/core/gate/gate.ts';
import type { EvidenceStore, RollbackExecutor } from '../lambda/core/gate/ports.ts';
import { CLI_ADDRESS_POLICY } from '../lambda/core/probe/probe.ts';
import { MAX_KNOWN_GOOD_VERSIONS, type ServiceState } from '../lambda/core/state/service-state.ts';
import { parseStateKey, serviceStateKey, type StateKey, type StateKind } from '../lambda/core/state/state-keys.ts';
import type { StateReadResult } from '../lambda/core/state/state-read-result.ts';
import { prepareStateChanges } from '../lambda/core/state/state-record-codec.ts';
import { putState, type StateChange, type StateStore } from '../lambda/core/state/state-store.ts';
import {
  STATE_EXPIRES_AT_ATTRIBUTE,
  STATE_ITEM_ATTRIBUTE,
  STATE_KEY_ATTRIBUTE,
  STATE_KIND_ATTRIBUTE,
  STATE_REVISION_ATTRIBUTE,
} from '../lambda/core/state/state-table-design.ts';

const READ_UNIT_BYTES = 4096;
const WRITE_UNIT_BYTES = 1024;
/** A number attribute's value as DynamoDB sizes it: about one byte per two digits, plus one; revisions stay small. */
const NUMBER_BYTES = 3;
const BUCKET = 'rollgate-evidence-123456789012-eu-west-1';
const SERVICE = 'checkout';
const ENVIRONMENT = 'production';
const MONITOR = 'checkout-production';

/** One kind of work's calls and what they cost. */
export interface StateCallUsage {
  /** The calls in order, as the adapter sends them: `BatchGetItem(monitor, service, pause, lock)`, `PutItem(monitor)`. */
  readonly calls: readonly string[];
  readonly read_request_units: number;
  readonly write_request_units: number;
}

export interface StateTableUsage {
  /** A monitor on a service, up and staying up: its one read and its one write. */
  readonly per_monitor_run: StateCallUsage;
  /** A passed deploy gate of a service that already keeps its 10 known-good versions (the largest service item). */
  readonly per_deploy: StateCallUsage;
  /** What a rollback adds to its run: the lock taken, the service read under it and recorded, the lock given back. */
  readonly per_rollback: StateCallUsage;
  /** DynamoDB's size of each kind of item, as the runs above left them. */
  readonly item_bytes: Readonly<Partial<Record<StateKind, number>>>;
}

export async function measureStateTableUsage(): Promise<StateTableUsage> {
  const service = await startVersionService();
  try {
    const store = new RecordingStateStore(new MemoryStateStore());
    await store.write([putState(serviceStateKey(SERVICE, ENVIRONMENT), fullService(), undefined)]);
    const check = (executor?: RollbackExecutor) =>
      runGate(gateConfig(service.url), checkContext(), ports(store, executor), {
        addressPolicy: CLI_ADDRESS_POLICY,
        ...(executor !== undefined ? { policy: { rollback: 'auto', failureThreshold: 1 } } : {}),
      });

    // Up and counting: the steady state of a monitor, run after run.
    for (let run = 0; run < 3; run += 1) await check();
    const monitorRun = await store.recordingOf(() => check());

    service.version = '1.4.3';
    const deploy = await store.recordingOf(() =>
      runGate(gateConfig(service.url, '1.4.3'), deployContext('1.4.3'), ports(store), {
        addressPolicy: CLI_ADDRESS_POLICY,
      }),
    );

    // A monitor going down and rolling back: everything after its own read and write is the rollback's.
    service.version = 'broken';
    const rollbackRun = await store.recordingOf(() => check(succeedingRollback));
    return {
      per_monitor_run: usageOf(monitorRun),
      per_deploy: usageOf(deploy),
      per_rollback: usageOf(rollbackRun.slice(2)),
      item_bytes: store.itemBytes,
    };
  } finally {
    await service.close();
  }
}

type RecordedCall =
  | { readonly op: 'read'; readonly keys: readonly StateKey[]; readonly bytes: readonly number[] }
  | { readonly op: 'write'; readonly changes: ReadonlyArray<{ readonly key: string; readonly bytes: number }> };

/** A state store that passes every call through and remembers it, with DynamoDB's size of each item. */
class RecordingStateStore implements StateStore {
  public readonly itemBytes: Partial<Record<StateKind, number>> = {};
  private recording: RecordedCall[] | undefined;

  public constructor(private readonly inner: StateStore) {}

  public async recordingOf(run: () => Promise<unknown>): Promise<RecordedCall[]> {
    const calls: RecordedCall[] = [];
    this.recording = calls;
    try {
      await run();
    } finally {
      this.recording = undefined;
    }
    return calls;
  }

  public async read(keys: readonly StateKey[]): Promise<StateReadResult> {
    const found = await this.inner.read(keys);
    const bytes = keys.map((key) => {
      const entry = found.entry(key);
      if (entry === undefined) return 0;
      const value = entry.status === 'live' ? entry.item.value : entry.status === 'expired' ? entry.value : undefined;
      return value === undefined ? 0 : itemBytes(key, JSON.stringify(value), entry.status === 'expired');
    });
    this.recording?.push({ op: 'read', keys: [...keys], bytes });
    return found;
  }

  public async write(changes: readonly StateChange[]): Promise<void> {
    await this.inner.write(changes);
    const prepared = prepareStateChanges(changes).map((change) => {
      const bytes = itemBytes(change.key, change.document ?? '', change.expiresAt !== undefined);
      this.itemBytes[change.kind] = bytes;
      return { key: change.key, bytes };
    });
    this.recording?.push({ op: 'write', changes: prepared });
  }

  public list(kind: StateKind): Promise<StateReadResult> {
    return this.inner.list(kind);
  }
}

function usageOf(calls: readonly RecordedCall[]): StateCallUsage {
  let read = 0;
  let write = 0;
  const names = calls.map((call) => {
    if (call.op === 'read') {
      read += call.bytes.reduce((sum, bytes) => sum + Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)), 0);
      return `BatchGetItem(${call.keys.map(kindOf).join(', ')})`;
    }
    const units = call.changes.reduce(
      (sum, change) => sum + Math.max(1, Math.ceil(change.bytes / WRITE_UNIT_BYTES)),
      0,
    );
    const transaction = call.changes.length > 1;
    write += transaction ? 2 * units : units;
    return `${transaction ? 'TransactWriteItems' : 'PutItem'}(${call.changes.map((change) => kindOf(change.key)).join(', ')})`;
  });
  return { calls: names, read_request_units: read, write_request_units: write };
}

/** DynamoDB's item size: each attribute's name and value (lib/state-table.ts's layout). */
function itemBytes(key: string, document: string, expires: boolean): number {
  const text = (name: string, value: string) => Buffer.byteLength(name) + Buffer.byteLength(value);
  const kind = kindOf(key);
  return (
    text(STATE_KEY_ATTRIBUTE, key) +
    text(STATE_KIND_ATTRIBUTE, kind) +
    Buffer.byteLength(STATE_REVISION_ATTRIBUTE) +
    NUMBER_BYTES +
    text(STATE_ITEM_ATTRIBUTE, document) +
    (expires ? Buffer.byteLength(STATE_EXPIRES_AT_ATTRIBUTE) + NUMBER_BYTES : 0)
  );
}

function kindOf(key: string): string {
  return parseStateKey(key)?.kind ?? 'unknown';
}

/** A service that has been deployed often: as many known-good versions as it keeps, each with digest and evidence. */
function fullService(): ServiceState {
  const records = Array.from({ length: MAX_KNOWN_GOOD_VERSIONS }, (_, index) => ({
    version: index === 0 ? '1.4.2' : `1.3.${MAX_KNOWN_GOOD_VERSIONS - index}`,
    digest: `sha256:${'e'.repeat(64)}`,
    commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    at: new Date(Date.now() - (index + 1) * 86_400_000).toISOString(),
    evidence: `s3://${BUCKET}/deploys/${SERVICE}/${ENVIRONMENT}/2026/11/23/20261123T143349123Z-6a1f3c2e-93b4-4d8f-a1b2-0c9d8e7f6a5b.json`,
  }));
  return { deployed: records[0]!, knownGood: records };
}

function gateConfig(url: string, expectedVersion?: string): GateConfig {
  return {
    targets: [{ url }],
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    timeoutMs: 2_000,
    retries: 0,
    backoffMs: 0,
    concurrency: 1,
    maxBodyBytes: 65_536,
    failOnSkipped: false,
  };
}

function checkContext(): EvidenceContext {
  return { kind: 'check', monitor: MONITOR, service: SERVICE, environment: ENVIRONMENT, run_id: crypto.randomUUID() };
}

function deployContext(version: string): EvidenceContext {
  const eventId = crypto.randomUUID();
  return {
    kind: 'deploy',
    deploy: { service: SERVICE, environment: ENVIRONMENT, version, event_id: eventId },
    run_id: eventId,
  };
}

/** Evidence goes nowhere, but is named as the S3 store names it: the state records those names. */
const evidenceStore: EvidenceStore = {
  write: async (document, stage) => ({ uri: locateS3Evidence(BUCKET, document, stage) ?? '' }),
  locate: (document, stage) => locateS3Evidence(BUCKET, document, stage),
};

const succeedingRollback: RollbackExecutor = {
  describe: () => 'SSM document RollgateRollback',
  run: async () => ({ attempted: true, ok: true, outcome: 'succeeded', exit_code: 0, duration_ms: 1, output_tail: '' }),
};

function ports(state: StateStore, rollbackExecutor?: RollbackExecutor) {
  return {
    evidenceStore,
    notifier: { notify: async () => undefined },
    state,
    ...(rollbackExecutor !== undefined ? { rollbackExecutor } : {}),
  };
}

/** A loopback service answering 200 with its version, or 503 once its version is `broken`. */
async function startVersionService(): Promise<{ url: string; version: string; close(): Promise<void> }> {
  const handle = { version: '1.4.2' };
  const server = createServer((_request, response) => {
    const healthy = handle.version !== 'broken';
    response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'down', version: handle.version }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return Object.assign(handle, {
    url,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  });
}
