// The chaining decorator over any evidence store: each record names the one before it in its chain, the head moves
// with a conditional write, racing writers end up in one line (the loser links after the winner), and a chain that
// cannot be advanced leaves the record unlinked with a fault, never a fork and never a lost record.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { ChainedEvidenceStore } from '../../../../lambda/core/evidence/chained-evidence-store.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { serializeEvidence, sha256Hex } from '../../../../lambda/core/evidence/serialize-evidence.ts';
import { verifyEvidenceChain } from '../../../../lambda/core/evidence/verify-evidence-chain.ts';
import { StateConflictError, StateUnavailableError } from '../../../../lambda/core/state/state-errors.ts';
import { checkEvidenceChainKey, type StateKey } from '../../../../lambda/core/state/state-keys.ts';
import type { StateChange, StateStore } from '../../../../lambda/core/state/state-store.ts';
import type { StateReadResult } from '../../../../lambda/core/state/state-read-result.ts';
import { checkRecord, MemoryEvidenceBucket } from './memory-evidence-bucket.ts';

const START = Date.parse('2026-11-23T10:00:00.000Z');
const at = (minute: number): Date => new Date(START + minute * 60_000);

function parsed(bucket: MemoryEvidenceBucket, key: string): EvidenceDocument {
  return JSON.parse(bucket.text(key)) as EvidenceDocument;
}

async function headOf(state: StateStore, monitor: string) {
  const key = checkEvidenceChainKey(monitor);
  return (await state.read([key])).get(key)?.value;
}

/** A state store that fails as told before handing a call to the real one. */
class ScriptedStateStore implements StateStore {
  public writes = 0;
  public constructor(
    private readonly inner: StateStore,
    private readonly failure: {
      read?: () => Error | undefined;
      write?: (changes: readonly StateChange[]) => Error | undefined;
    },
  ) {}
  public async read(keys: readonly StateKey[]): Promise<StateReadResult> {
    const error = this.failure.read?.();
    if (error !== undefined) throw error;
    return this.inner.read(keys);
  }
  public async write(changes: readonly StateChange[]): Promise<void> {
    this.writes += 1;
    const error = this.failure.write?.(changes);
    if (error !== undefined) throw error;
    return this.inner.write(changes);
  }
  public list: StateStore['list'] = (kind) => this.inner.list(kind);
}

describe('ChainedEvidenceStore', () => {
  it('links each record to the one before by the hash of its stored bytes, and moves the head to the newest', async () => {
    const bucket = new MemoryEvidenceBucket();
    const state = new MemoryStateStore();
    const store = new ChainedEvidenceStore({ store: bucket, state });
    for (const minute of [0, 1, 2]) await store.write(checkRecord('web', at(minute)), 'verdict');

    const [first, second, third] = bucket.keys.map((key) => parsed(bucket, key));
    expect(first!.chain).toEqual({ sequence: 1, previous_sha256: null, previous_uri: null });
    expect(second!.chain).toEqual({
      sequence: 2,
      previous_sha256: sha256Hex(bucket.objects.get(bucket.keys[0]!)!),
      previous_uri: bucket.uriOf(bucket.keys[0]!),
    });
    expect(third!.chain?.sequence).toBe(3);
    expect(await headOf(state, 'web')).toEqual({
      sequence: 3,
      lastHash: sha256Hex(bucket.objects.get(bucket.keys[2]!)!),
      lastUri: bucket.uriOf(bucket.keys[2]!),
    });
  });

  it('writes a record that belongs to no chain (a gate naming no service) byte for byte as the store alone would', async () => {
    const bucket = new MemoryEvidenceBucket();
    const writes: string[] = [];
    const plain = {
      locate: () => 'file:///health-gate.json',
      write: async (doc: EvidenceDocument) => {
        writes.push(serializeEvidence(doc));
        return { uri: 'file:///health-gate.json' };
      },
    };
    const gate = { ...checkRecord('web', at(0)), kind: 'gate' as const, context: {} };
    await new ChainedEvidenceStore({ store: plain, state: new MemoryStateStore() }).write(gate, 'verdict');
    expect(writes).toEqual([serializeEvidence(gate)]);
    expect(bucket.keys).toEqual([]);
  });

  it('puts racing writers in one line: the loser reads the head again and links after the winner', async () => {
    const bucket = new MemoryEvidenceBucket();
    const state = new ScriptedStateStore(new MemoryStateStore(), {});
    const writers = Array.from(
      { length: 6 },
      () => new ChainedEvidenceStore({ store: bucket, state, maxAttempts: 10 }),
    );
    await Promise.all(writers.map((writer, index) => writer.write(checkRecord('web', at(index)), 'verdict')));

    // All six read the empty head before any wrote: five lost the first race, and more after it.
    expect(state.writes).toBeGreaterThan(6);
    const sequences = bucket.keys.map((key) => parsed(bucket, key).chain?.sequence).sort();
    expect(sequences).toEqual([1, 2, 3, 4, 5, 6]);
    const head = await headOf(state, 'web');
    const verification = await verifyEvidenceChain({ chain: 'checks/web', head, source: bucket });
    expect(verification.problems).toEqual([]);
    expect(verification).toMatchObject({ intact: true, checked: 6 });
  });

  it('keeps a record it could not link after every attempt, unlinked, with a fault naming the chain', async () => {
    const bucket = new MemoryEvidenceBucket();
    const contended = new ScriptedStateStore(new MemoryStateStore(), {
      write: () => new StateConflictError({ key: 'chain#checks/web', expectedRevision: undefined, foundRevision: 7 }),
    });
    await new ChainedEvidenceStore({ store: bucket, state: contended, maxAttempts: 3 }).write(
      checkRecord('web', at(0)),
      'verdict',
    );

    expect(contended.writes).toBe(3);
    const record = parsed(bucket, bucket.keys[0]!);
    expect(record.chain).toBeUndefined();
    expect(record.faults).toEqual([
      {
        port: 'state',
        error_name: 'EvidenceChainContended',
        message: expect.stringMatching(/^evidence chain checks\/web: .*changed under each of 3 attempts.*not linked/),
      },
    ]);
  });

  it('keeps the record when the state store cannot be reached, with the store’s error as a fault', async () => {
    const bucket = new MemoryEvidenceBucket();
    const down = new ScriptedStateStore(new MemoryStateStore(), {
      read: () => new StateUnavailableError('cannot reach the state table', { errorName: 'ResourceNotFoundException' }),
    });
    const location = await new ChainedEvidenceStore({ store: bucket, state: down }).write(
      checkRecord('web', at(0)),
      'verdict',
    );

    expect(location.uri).toBe(bucket.uriOf(bucket.keys[0]!));
    expect(parsed(bucket, bucket.keys[0]!).faults).toEqual([
      expect.objectContaining({ port: 'state', error_name: 'ResourceNotFoundException' }),
    ]);
  });

  it('sets the head back when the record itself cannot be written, so the next record takes its place', async () => {
    const bucket = new MemoryEvidenceBucket();
    const state = new MemoryStateStore();
    const store = new ChainedEvidenceStore({ store: bucket, state });
    await store.write(checkRecord('web', at(0)), 'verdict');
    bucket.failWrites = true;
    await expect(store.write(checkRecord('web', at(1)), 'verdict')).rejects.toThrow('the bucket is unreachable');
    bucket.failWrites = false;
    await store.write(checkRecord('web', at(2)), 'verdict');

    expect(bucket.keys.map((key) => parsed(bucket, key).chain?.sequence)).toEqual([1, 2]);
    const verification = await verifyEvidenceChain({
      chain: 'checks/web',
      head: await headOf(state, 'web'),
      source: bucket,
    });
    expect(verification.intact).toBe(true);
  });

  it('says the head names a record that is not there when neither the record nor the head could be put back', async () => {
    const bucket = new MemoryEvidenceBucket();
    let failWrites = false;
    const state = new ScriptedStateStore(new MemoryStateStore(), {
      write: () => (failWrites ? new StateUnavailableError('throttled') : undefined),
    });
    const store = new ChainedEvidenceStore({
      store: {
        ...bucket,
        locate: bucket.locate.bind(bucket),
        write: async (_doc, stage) => {
          failWrites = true;
          throw new Error(`cannot write ${stage}`);
        },
      },
      state,
    });
    await expect(store.write(checkRecord('web', at(0)), 'verdict')).rejects.toThrow(
      /cannot write verdict; the head of chain checks\/web already names it \(sequence 1\) and could not be set back/,
    );
  });

  it('does not start a chain again over a head it cannot read: the record is kept with a fault', async () => {
    const bucket = new MemoryEvidenceBucket();
    const state = new MemoryStateStore();
    const store = new ChainedEvidenceStore({ store: bucket, state });
    await store.write(checkRecord('web', at(0)), 'verdict');
    // What a hand edit of the table could leave: an item its kind's schema refuses.
    const key = checkEvidenceChainKey('web');
    (state as unknown as { items: Map<string, { document: string }> }).items.get(key)!.document = '{"lastHash":"x"}';
    await store.write(checkRecord('web', at(1)), 'verdict');

    const second = parsed(bucket, bucket.keys[1]!);
    expect(second.chain).toBeUndefined();
    expect(second.faults[0]).toMatchObject({ port: 'state', error_name: 'EvidenceChainHeadUnreadable' });
  });
});
