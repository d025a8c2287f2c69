// Verifying a chain: a record removed, edited, swapped, injected or forked, a head set past the newest record or lost,
// each named with its place in the chain, oldest first; --since walks back only as far as it says.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { ChainedEvidenceStore } from '../../../../lambda/core/evidence/chained-evidence-store.ts';
import { serializeEvidence } from '../../../../lambda/core/evidence/serialize-evidence.ts';
import { verifyEvidenceChain } from '../../../../lambda/core/evidence/verify-evidence-chain.ts';
import type { EvidenceChainHead } from '../../../../lambda/core/state/evidence-chain-head.ts';
import { checkEvidenceChainKey } from '../../../../lambda/core/state/state-keys.ts';
import { checkRecord, MemoryEvidenceBucket } from './memory-evidence-bucket.ts';

const START = Date.parse('2026-11-20T10:00:00.000Z');
const DAY = 86_400_000;

interface Chain {
  readonly bucket: MemoryEvidenceBucket;
  head: EvidenceChainHead | undefined;
  /** Key of the record at each sequence (index 0 is sequence 1). */
  readonly keys: string[];
}

/** Six records of monitor web, one a day from 2026-11-20, through the chaining store. */
async function sixRecords(): Promise<Chain> {
  const bucket = new MemoryEvidenceBucket();
  const state = new MemoryStateStore();
  const store = new ChainedEvidenceStore({ store: bucket, state });
  for (let day = 0; day < 6; day += 1) await store.write(checkRecord('web', new Date(START + day * DAY)), 'verdict');
  const key = checkEvidenceChainKey('web');
  return { bucket, head: (await state.read([key])).get(key)?.value, keys: bucket.keys };
}

type Tamper = (chain: Chain) => void;

const editMessage =
  (sequence: number): Tamper =>
  ({ bucket, keys }) =>
    bucket.edit(keys[sequence - 1]!, (text) => text.replace('no health URLs configured', 'all fine, nothing to see'));
const remove =
  (sequence: number): Tamper =>
  ({ bucket, keys }) =>
    bucket.remove(keys[sequence - 1]!);

const cases: readonly { name: string; tamper: Tamper; problems: [string, number | undefined][] }[] = [
  { name: 'an untouched chain is intact', tamper: () => undefined, problems: [] },
  { name: 'an edited record is named by its place', tamper: editMessage(2), problems: [['edited', 2]] },
  { name: 'a removed record is a gap at its place', tamper: remove(4), problems: [['missing', 4]] },
  {
    name: 'an edit and a removal are both named, the older first',
    tamper: (chain) => {
      editMessage(2)(chain);
      remove(4)(chain);
    },
    problems: [
      ['edited', 2],
      ['missing', 4],
    ],
  },
  {
    name: 'the newest record removed leaves the head pointing past the newest',
    tamper: remove(6),
    problems: [['head_past_newest', 6]],
  },
  {
    name: 'two records swapped are named where each lies: one off the chain, one out of its place',
    tamper: ({ bucket, keys }) => {
      const second = bucket.objects.get(keys[1]!)!;
      bucket.objects.set(keys[1]!, bucket.objects.get(keys[2]!)!);
      bucket.objects.set(keys[2]!, second);
    },
    problems: [
      ['not_in_chain', 3],
      ['edited', 3],
      ['out_of_order', 3],
    ],
  },
  {
    name: 'a record slipped in without a link is named as outside the chain',
    tamper: ({ bucket }) => {
      const injected = checkRecord('web', new Date(START + 2.5 * DAY));
      bucket.objects.set(
        'checks/web/2026/11/22/20261122T220000000Z.json',
        new TextEncoder().encode(serializeEvidence(injected)),
      );
    },
    problems: [['not_in_chain', undefined]],
  },
  {
    name: 'a second record claiming a place already taken is a fork',
    tamper: ({ bucket, keys }) => {
      const copy = bucket.text(keys[2]!).replace('"run_id": "run-', '"run_id": "forged-');
      bucket.objects.set('checks/web/2026/11/22/20261122T230000000Z.json', new TextEncoder().encode(copy));
    },
    problems: [['not_in_chain', 3]],
  },
  {
    name: 'a record whose chain field was damaged is an edit',
    tamper: ({ bucket, keys }) => bucket.edit(keys[4]!, (text) => text.replace('"sequence": 5', '"sequence": "five"')),
    problems: [['edited', 5]],
  },
];

describe('verifyEvidenceChain', () => {
  it.each(cases)('$name', async ({ tamper, problems }) => {
    const chain = await sixRecords();
    tamper(chain);
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: chain.head, source: chain.bucket });
    expect(result.problems.map((problem) => [problem.kind, problem.sequence])).toEqual(problems);
    expect(result.intact).toBe(problems.length === 0);
  });

  it('names the record it expected and the one that named it, for a gap, and the one before it as unchecked', async () => {
    const chain = await sixRecords();
    remove(4)(chain);
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: chain.head, source: chain.bucket });
    // Sequence 3 is reached past the gap: nothing is left to vouch for its bytes.
    expect(result.unvouched).toEqual([{ sequence: 3, uri: chain.bucket.uriOf(chain.keys[2]!) }]);
    const [gap] = result.problems;
    expect(gap).toEqual({
      kind: 'missing',
      sequence: 4,
      uri: chain.bucket.uriOf(chain.keys[3]!),
      detail: 'sequence 5 names it as its predecessor, but it does not exist',
    });
  });

  it('reaches every record of an intact chain, from the head to the first', async () => {
    const chain = await sixRecords();
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: chain.head, source: chain.bucket });
    expect(result).toMatchObject({ intact: true, checked: 6, oldestSequence: 1, stoppedAtSince: false, versions: [] });
  });

  it('walks back only to the first record before --since', async () => {
    const chain = await sixRecords();
    editMessage(1)(chain);
    const since = new Date(START + 3 * DAY);
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: chain.head, source: chain.bucket, since });
    // Sequences 6, 5, 4 are from --since on; 3 is read to check 4's link to it, and the walk ends there.
    expect(result).toMatchObject({ intact: true, checked: 4, oldestSequence: 3, stoppedAtSince: true });
  });

  it('reports chained records without a head as a lost head, and walks them from the newest', async () => {
    const chain = await sixRecords();
    editMessage(3)(chain);
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: undefined, source: chain.bucket });
    expect(result.problems.map((problem) => [problem.kind, problem.sequence])).toEqual([
      ['edited', 3],
      ['head_missing', 6],
    ]);
  });

  it('is not intact with nothing to verify: no head and no records', async () => {
    const result = await verifyEvidenceChain({
      chain: 'checks/web',
      head: undefined,
      source: new MemoryEvidenceBucket(),
    });
    expect(result).toMatchObject({ intact: false, checked: 0, problems: [] });
  });

  it('says which keys a versioned bucket keeps more than one version of', async () => {
    const chain = await sixRecords();
    editMessage(2)(chain);
    const result = await verifyEvidenceChain({ chain: 'checks/web', head: chain.head, source: chain.bucket });
    expect(result.versions).toEqual([{ uri: chain.bucket.uriOf(chain.keys[1]!), count: 2 }]);
  });

  it('counts records written before the chain began, and unlinked ones that say why, apart from problems', async () => {
    const bucket = new MemoryEvidenceBucket();
    await bucket.write(checkRecord('web', new Date(START - DAY)), 'verdict');
    const unlinked = { ...checkRecord('web', new Date(START + DAY)) };
    const state = new MemoryStateStore();
    const store = new ChainedEvidenceStore({ store: bucket, state });
    await store.write(checkRecord('web', new Date(START)), 'verdict');
    await bucket.write(
      {
        ...unlinked,
        faults: [
          { port: 'state', error_name: 'EvidenceChainContended', message: 'evidence chain checks/web: contended' },
        ],
      },
      'verdict',
    );
    await store.write(checkRecord('web', new Date(START + 2 * DAY)), 'verdict');
    const key = checkEvidenceChainKey('web');
    const head = (await state.read([key])).get(key)?.value;

    const result = await verifyEvidenceChain({ chain: 'checks/web', head, source: bucket });
    expect(result).toMatchObject({
      intact: true,
      checked: 2,
      unlinked: { beforeChain: 1, withFault: [expect.any(String)] },
    });
  });
});
