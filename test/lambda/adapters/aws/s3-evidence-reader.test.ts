// The S3 evidence reader against moto, on thousands of records written by the real S3EvidenceStore: pages of runs
// newest first with a bounded number of S3 calls (counted on the client), `since` walking only its days, paging that
// neither repeats nor loses a run, filters, scopes (a service with the monitors on it, everything), and objects that
// are not evidence reported rather than fatal.

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3EvidenceReader } from '../../../../lambda/adapters/aws/s3-evidence-reader.ts';
import { S3EvidenceStore } from '../../../../lambda/adapters/aws/s3-evidence-store.ts';
import { EvidenceReadError } from '../../../../lambda/core/errors.ts';
import type { EvidenceQuery, EvidenceScope } from '../../../../lambda/core/evidence-query/evidence-query.ts';
import { awsClientConfig, createBucket, motoClients } from '../../../support/aws-fixtures.ts';
import { checkRecords, deployRecords, timesBack, writeHistory } from '../../../support/evidence-history.ts';

const NEWEST = new Date('2026-10-25T23:50:00.000Z');
const QUARTER_HOUR = 15 * 60_000;
/** 1,600 deploys over 16 days, every tenth failed and rolled back: 1,760 records (2,241 with the checks below). */
const DEPLOY_TIMES = timesBack(NEWEST, 1600, QUARTER_HOUR);
const FAILED_EVERY = 10;
/** Hourly checks of a monitor on checkout/prod and of one on nothing, for the last ten days. */
const CHECK_TIMES = timesBack(new Date('2026-10-25T23:20:00.000Z'), 240, 3_600_000);

const SERVICE: EvidenceScope = { kind: 'service', service: 'checkout', environment: 'prod', monitors: false };

let bucket: string;

/** A reader on its own client, counting the S3 commands it sends. */
function countingReader(): { reader: S3EvidenceReader; calls: Map<string, number> } {
  const client = new S3Client(awsClientConfig());
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      calls.set(context.commandName!, (calls.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  return { reader: new S3EvidenceReader({ client, bucket }), calls };
}

function query(overrides: Partial<EvidenceQuery> = {}): EvidenceQuery {
  return { scope: SERVICE, filters: {}, limit: 20, ...overrides };
}

beforeAll(async () => {
  bucket = await createBucket();
  const store = new S3EvidenceStore({ client: motoClients().s3, bucket });
  await writeHistory(store, [
    ...DEPLOY_TIMES.map((at, index) =>
      deployRecords('checkout', 'prod', { at, failed: index % FAILED_EVERY === 0, version: `1.${index}.0` }),
    ),
    ...CHECK_TIMES.map((at) => checkRecords('checkout-home', { at }, { service: 'checkout', environment: 'prod' })),
    ...CHECK_TIMES.map((at) => checkRecords('blog-home', { at, failed: true })),
    // Another service, so scopes stay apart.
    deployRecords('payments', 'prod', { at: new Date('2026-10-25T22:30:00.000Z') }),
  ]);
}, 240_000);

describe('S3EvidenceReader against moto', () => {
  it('lists the newest page of runs from thousands of records with a few LIST calls and one GET per record', async () => {
    const { reader, calls } = countingReader();
    const page = await reader.list(query());
    expect(page.runs.map((run) => run.document.started_at)).toEqual(
      DEPLOY_TIMES.slice(0, 20).map((at) => at.toISOString()),
    );
    // The newest run failed: its rollback record is the run's most complete one.
    expect(page.runs[0]!.document.stage).toBe('rollback');
    expect(page.runs[0]!.records).toHaveLength(2);
    // Years, months and days under deploys/checkout/prod/, then the newest day's keys.
    expect(calls.get('ListObjectsV2Command')).toBeLessThanOrEqual(5);
    // 22 records make up the 20 runs; the first record of the 21st run closes the page; a few more read ahead.
    expect(calls.get('GetObjectCommand')).toBeLessThanOrEqual(22 + 1 + 8);
    expect(page.next).toBeDefined();
  });

  it('walks only the days of --since, and stops reading at its start', async () => {
    const { reader, calls } = countingReader();
    const since = new Date('2026-10-23T00:00:00.000Z');
    const page = await reader.list(query({ since, limit: 1000 }));
    const expected = DEPLOY_TIMES.filter((at) => at >= since);
    expect(page.runs).toHaveLength(expected.length);
    expect(page.next).toBeUndefined();
    // Years, months, days, then the three days' keys and at most the day before (where the read stops).
    expect(calls.get('ListObjectsV2Command')).toBeLessThanOrEqual(3 + 4);
    expect(calls.get('GetObjectCommand')).toBeLessThanOrEqual(expected.length * 1.1 + 1 + 8 + 1);
  });

  it('pages through the runs of a scope newest first, without repeating or losing one', async () => {
    const { reader } = countingReader();
    const since = new Date('2026-10-22T12:00:00.000Z');
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await reader.list(query({ since, limit: 70, ...(after !== undefined ? { after } : {}) }));
      seen.push(...answer.runs.map((run) => run.document.started_at));
      after = answer.next;
      if (after === undefined) break;
    }
    expect(after).toBeUndefined();
    expect(seen).toEqual(DEPLOY_TIMES.filter((at) => at >= since).map((at) => at.toISOString()));
  });

  it('pages across months and years, skipping the folders after the page it continues from', async () => {
    const small = await createBucket();
    const times = [
      '2026-02-01T08:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
      '2025-12-31T23:59:59.999Z',
      '2024-06-30T12:00:00.000Z',
    ];
    await writeHistory(
      new S3EvidenceStore({ client: motoClients().s3, bucket: small }),
      times.map((at) => deployRecords('checkout', 'prod', { at: new Date(at), failed: true })),
    );
    const reader = new S3EvidenceReader({ client: motoClients().s3, bucket: small });
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await reader.list(query({ limit: 1, ...(after !== undefined ? { after } : {}) }));
      expect(answer.runs.every((run) => run.records.length === 2)).toBe(true);
      seen.push(...answer.runs.map((run) => run.document.started_at));
      after = answer.next;
      if (after === undefined) break;
    }
    expect(seen).toEqual(times);
  });

  it('filters by status and version on the run', async () => {
    const { reader } = countingReader();
    const failed = await reader.list(query({ filters: { status: 'failed' }, limit: 3 }));
    expect(failed.runs.map((run) => run.document.context.deploy?.version)).toEqual(['1.0.0', '1.10.0', '1.20.0']);
    expect(failed.runs.every((run) => run.document.rollback.outcome === 'succeeded')).toBe(true);
    const since = new Date('2026-10-24T00:00:00.000Z');
    const version = await reader.list(query({ filters: { version: 'v1.7.0' }, since }));
    expect(version.runs.map((run) => run.document.started_at)).toEqual([DEPLOY_TIMES[7]!.toISOString()]);
  });

  it("lists a service's deploys together with the checks of the monitors on it, and leaves other monitors out", async () => {
    const { reader } = countingReader();
    const page = await reader.list(
      query({ scope: { ...SERVICE, monitors: true }, since: new Date('2026-10-25T20:00:00.000Z'), limit: 1000 }),
    );
    const monitors = new Set(page.runs.map((run) => run.document.context.monitor).filter(Boolean));
    expect(monitors).toEqual(new Set(['checkout-home']));
    expect(page.runs.filter((run) => run.document.kind === 'deploy')).toHaveLength(16);
    expect(page.runs.filter((run) => run.document.kind === 'check')).toHaveLength(4);
    const times = page.runs.map((run) => run.document.started_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("lists one monitor's checks, and everything merged newest first", async () => {
    const { reader } = countingReader();
    const monitor = await reader.list(query({ scope: { kind: 'monitor', monitor: 'blog-home' }, limit: 5 }));
    expect(monitor.runs.map((run) => run.document.started_at)).toEqual(
      CHECK_TIMES.slice(0, 5).map((at) => at.toISOString()),
    );
    const all = await reader.list(query({ scope: { kind: 'all' }, since: new Date('2026-10-25T22:00:00.000Z') }));
    const kinds = all.runs.map((run) => `${run.document.kind}:${run.document.context.monitor ?? ''}`);
    expect(kinds.filter((kind) => kind === 'check:checkout-home')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'check:blog-home')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'deploy:')).toHaveLength(8 + 1);
    const times = all.runs.map((run) => run.document.started_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('reports an object in a day folder that is not evidence, and lists the runs around it', async () => {
    const junkBucket = await createBucket();
    const store = new S3EvidenceStore({ client: motoClients().s3, bucket: junkBucket });
    await writeHistory(store, [deployRecords('checkout', 'prod', { at: new Date('2026-10-25T10:00:00.000Z') })]);
    await motoClients().s3.send(
      new PutObjectCommand({
        Bucket: junkBucket,
        Key: 'deploys/checkout/prod/2026/10/25/20261025T090000000Z-notes.json',
        Body: '{"hello":',
      }),
    );
    const reader = new S3EvidenceReader({ client: motoClients().s3, bucket: junkBucket });
    const page = await reader.list(query());
    expect(page.runs).toHaveLength(1);
    expect(page.unreadable).toEqual([
      {
        key: 'deploys/checkout/prod/2026/10/25/20261025T090000000Z-notes.json',
        problem: expect.stringMatching(/^is not JSON/),
      },
    ]);
  });

  it('gets one record by key, and names the key and NoSuchKey for one that does not exist', async () => {
    const { reader } = countingReader();
    const newest = (await reader.list(query({ limit: 1 }))).runs[0]!;
    const entry = await reader.get(newest.key);
    expect(entry).toEqual({ key: newest.key, uri: `s3://${bucket}/${newest.key}`, document: newest.document });
    const error = await reader.get('deploys/checkout/prod/2026/10/25/nothing.json').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvidenceReadError);
    expect((error as EvidenceReadError).errorName).toBe('NoSuchKey');
    expect((error as Error).message).toContain(`s3://${bucket}/deploys/checkout/prod/2026/10/25/nothing.json`);
  });

  it('names NoSuchBucket when the bucket does not exist', async () => {
    const reader = new S3EvidenceReader({ client: motoClients().s3, bucket: `${bucket}-missing` });
    const error = await reader.list(query()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvidenceReadError);
    expect((error as EvidenceReadError).errorName).toBe('NoSuchBucket');
  });
});
