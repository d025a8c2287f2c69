// listEvidenceRuns over an in-memory source: runs grouped from their records, the most complete record kept, filters
// on the run, pages that end on run boundaries and continue where they stopped, `since` ending the read, and
// unreadable objects reported rather than fatal.

import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import type { EvidenceQuery, EvidenceScope } from '../../../../lambda/core/evidence-query/evidence-query.ts';
import type { EvidenceRead, EvidenceRecordSource } from '../../../../lambda/core/evidence-query/evidence-reader.ts';
import { listEvidenceRuns } from '../../../../lambda/core/evidence-query/list-evidence-runs.ts';
import { CHECKOUT_DEPLOY, healthyTarget, sampleEvidence, unhealthyTarget } from '../evidence/sample-evidence.ts';

/** Records in listing order (newest first), as a reader adapter would yield them; counts the reads. */
class ListedSource implements EvidenceRecordSource {
  public reads = 0;
  public constructor(private readonly records: readonly (readonly [string, EvidenceRead])[]) {}

  public async *keys(_scope: EvidenceScope, bounds: { readonly after?: string }): AsyncGenerator<string> {
    const start = bounds.after === undefined ? 0 : this.records.findIndex(([key]) => key === bounds.after) + 1;
    for (const [key] of this.records.slice(start)) yield key;
  }

  public async read(key: string): Promise<EvidenceRead> {
    this.reads += 1;
    return this.records.find(([listed]) => listed === key)![1];
  }

  public uriOf(key: string): string {
    return `mem://${key}`;
  }
}

const SERVICE: EvidenceScope = { kind: 'service', service: 'checkout', environment: 'prod', monitors: false };

function deployRun(minute: number, options: { failed?: boolean; version?: string; commit?: string } = {}) {
  const startedAt = `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const verdict: EvidenceDocument = {
    ...sampleEvidence({
      context: {
        ...CHECKOUT_DEPLOY,
        deploy: {
          ...CHECKOUT_DEPLOY.deploy!,
          version: options.version ?? `1.4.${minute}`,
          ...(options.commit !== undefined ? { commit: options.commit } : {}),
        },
        run_id: `evt-${minute}`,
      },
      targets: [
        options.failed
          ? unhealthyTarget('https://checkout.example.com/health')
          : healthyTarget('https://checkout.example.com/health'),
      ],
    }),
    started_at: startedAt,
    finished_at: startedAt.replace(':00.000Z', ':01.000Z'),
  };
  const stem = `deploys/checkout/prod/${startedAt}-evt-${minute}`;
  const records: [string, EvidenceRead][] = [];
  if (options.failed) {
    const rollback: EvidenceDocument = {
      ...verdict,
      stage: 'rollback',
      finished_at: startedAt.replace(':00.000Z', ':30.000Z'),
      rollback: { ...verdict.rollback, attempted: true, ok: true, outcome: 'succeeded' },
    };
    records.push([`${stem}.rollback.json`, { ok: true, document: rollback }]);
  }
  records.push([`${stem}.json`, { ok: true, document: verdict }]);
  return records;
}

function query(overrides: Partial<EvidenceQuery> = {}): EvidenceQuery {
  return { scope: SERVICE, filters: {}, limit: 20, ...overrides };
}

describe('listEvidenceRuns', () => {
  const records = [
    ...deployRun(50),
    ...deployRun(40, { failed: true, commit: 'abcdef1234567' }),
    ...deployRun(30, { version: 'v2.0.0' }),
    ...deployRun(20, { failed: true }),
  ];

  it('groups a run into one entry, its most complete record first among its keys', async () => {
    const page = await listEvidenceRuns(new ListedSource(records), query());
    expect(page.runs.map((run) => run.key)).toEqual([records[0]![0], records[1]![0], records[3]![0], records[4]![0]]);
    expect(page.runs[1]!.document.stage).toBe('rollback');
    expect(page.runs[1]!.records).toEqual([records[1]![0], records[2]![0]]);
    expect(page.runs[1]!.uri).toBe(`mem://${records[1]![0]}`);
    expect(page.next).toBeUndefined();
    expect(page.examined).toBe(records.length);
  });

  it.each([
    ['status', { status: 'failed' as const }, [40, 20]],
    ['version, ignoring a leading v', { version: '2.0.0' }, [30]],
    ['commit by its start, any case', { commit: 'ABCDEF1' }, [40]],
    ['nothing when nothing matches', { status: 'skipped' as const }, []],
  ])('filters runs by %s', async (_name, filters, minutes) => {
    const page = await listEvidenceRuns(new ListedSource(records), query({ filters }));
    expect(page.runs.map((run) => run.document.context.run_id)).toEqual(minutes.map((minute) => `evt-${minute}`));
  });

  it('ends a page on a run boundary and continues after it without repeating or losing a run', async () => {
    const source = new ListedSource(records);
    const first = await listEvidenceRuns(source, query({ limit: 2 }));
    expect(first.runs.map((run) => run.document.context.run_id)).toEqual(['evt-50', 'evt-40']);
    // The rollback record and the verdict record of evt-40 are both on the first page.
    expect(first.next).toBe(records[2]![0]);
    const second = await listEvidenceRuns(source, query({ limit: 2, after: first.next! }));
    expect(second.runs.map((run) => run.document.context.run_id)).toEqual(['evt-30', 'evt-20']);
    expect(second.next).toBeUndefined();
  });

  it('stops reading at the first run older than since', async () => {
    const source = new ListedSource(records);
    const page = await listEvidenceRuns(source, query({ since: new Date('2026-11-23T10:35:00.000Z') }), {
      readAhead: 1,
    });
    expect(page.runs.map((run) => run.document.context.run_id)).toEqual(['evt-50', 'evt-40']);
    expect(source.reads).toBe(4);
    expect(page.next).toBeUndefined();
  });

  it('skips runs that started at or after before, and keeps reading past them', async () => {
    const page = await listEvidenceRuns(
      new ListedSource(records),
      query({ before: new Date('2026-11-23T10:40:00.000Z') }),
    );
    expect(page.runs.map((run) => run.document.context.run_id)).toEqual(['evt-30', 'evt-20']);
  });

  it('reads at most the page and its read-ahead, however many records there are', async () => {
    const many = Array.from({ length: 50 }, (_, index) => deployRun(59 - index)).flat();
    const source = new ListedSource(many);
    const page = await listEvidenceRuns(source, query({ limit: 5 }), { readAhead: 4 });
    expect(page.runs).toHaveLength(5);
    expect(source.reads).toBeLessThanOrEqual(5 + 1 + 4);
  });

  it('stops after maxExamined records with a next page to continue from', async () => {
    const source = new ListedSource(records);
    const page = await listEvidenceRuns(source, query({ filters: { status: 'skipped' } }), { maxExamined: 3 });
    expect(page.runs).toEqual([]);
    expect(page.next).toBe(records[2]![0]);
  });

  it('reports an object that is not evidence and lists the runs around it', async () => {
    const withJunk: (readonly [string, EvidenceRead])[] = [
      records[0]!,
      ['deploys/checkout/prod/notes.json', { ok: false, problem: 'is not JSON: Unexpected token' }],
      ...records.slice(1),
    ];
    const page = await listEvidenceRuns(new ListedSource(withJunk), query());
    expect(page.runs).toHaveLength(4);
    expect(page.unreadable).toEqual([
      { key: 'deploys/checkout/prod/notes.json', problem: 'is not JSON: Unexpected token' },
    ]);
  });

  it('leaves out records outside the scope, whatever folder they were found in', async () => {
    const monitorScope: EvidenceScope = { kind: 'monitor', monitor: 'checkout-home' };
    const page = await listEvidenceRuns(new ListedSource(records), query({ scope: monitorScope }));
    expect(page.runs).toEqual([]);
  });
});
