// The local evidence reader over a directory as the CLI leaves it: the gate's artifacts/rollout/health-gate.json (and
// its delivery copy), per-run records in date folders (a monitor's, with its latest.json copy of the newest, or a copy
// of the bucket), other JSON files that
// are not evidence; `since` skips old date folders and old files without reading them; get stays inside the directory.

import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceKey } from '../../../../lambda/adapters/evidence-key.ts';
import { FsEvidenceReader } from '../../../../lambda/adapters/local/fs-evidence-reader.ts';
import { FsEvidenceStore } from '../../../../lambda/adapters/local/fs-evidence-store.ts';
import { EvidenceReadError } from '../../../../lambda/core/errors.ts';
import { withDelivery } from '../../../../lambda/core/evidence/evidence.ts';
import type { EvidenceQuery } from '../../../../lambda/core/evidence-query/evidence-query.ts';
import { BucketLayoutFsEvidenceStore } from '../../../support/bucket-layout-fs-evidence-store.ts';
import { checkRecords, deployRecords, timesBack, writeHistory } from '../../../support/evidence-history.ts';

const NEWEST = new Date('2026-10-25T23:00:00.000Z');
const DEPLOY_TIMES = timesBack(NEWEST, 300, 3_600_000);
const CHECK_TIMES = timesBack(new Date('2026-10-25T23:30:00.000Z'), 48, 3_600_000);

let root: string;
let reader: FsEvidenceReader;
const ALL: EvidenceQuery = { scope: { kind: 'all' }, filters: {}, limit: 1000 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rollgate-fs-reader-'));
  const history = new BucketLayoutFsEvidenceStore(join(root, 'history'));
  await writeHistory(history, [
    ...DEPLOY_TIMES.map((at, index) => deployRecords('checkout', 'prod', { at, failed: index % 7 === 0 })),
    ...CHECK_TIMES.map((at, index) =>
      checkRecords('checkout-home', { at, failed: index < 3 }, { service: 'checkout', environment: 'prod' }),
    ),
  ]);
  // The local gate's one file, rewritten by each record of its run; a delivery copy beside it.
  const gate = new FsEvidenceStore(join(root, 'rollout'));
  const [verdict] = deployRecords('checkout', 'prod', { at: new Date('2026-10-26T08:00:00.000Z'), failed: true });
  const gateRun = {
    ...verdict!.document,
    kind: 'gate' as const,
    context: { service: 'checkout', environment: 'prod' },
  };
  await gate.write(gateRun, 'verdict');
  await gate.write(withDelivery(gateRun, [], new Date('2026-10-26T08:00:05.000Z'), 5000, {}), 'delivery');
  // rollgate monitor's copy of a monitor's newest record, beside its date folders.
  await copyFile(
    join(
      root,
      'history',
      evidenceKey(
        checkRecords('checkout-home', { at: CHECK_TIMES[0]! }, { service: 'checkout', environment: 'prod' })[0]!
          .document,
        'verdict',
      ),
    ),
    join(root, 'history/checks/checkout-home/latest.json'),
  );
  // JSON that is not evidence, and a record in an old date folder that would not parse if it were read.
  await writeFile(join(root, 'package-lock.json'), '{"name":"app"}');
  await mkdir(join(root, 'history/checks/old/2024/01/02'), { recursive: true });
  await writeFile(join(root, 'history/checks/old/2024/01/02/20240102T000000000Z.json'), '{"tool":');
  await writeFile(join(root, 'rollout/20240101T000000000Z-old.json'), '{"tool":');
  await utimes(join(root, 'rollout/20240101T000000000Z-old.json'), new Date('2024-01-01'), new Date('2024-01-01'));
  reader = new FsEvidenceReader(root);
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FsEvidenceReader', () => {
  it('lists every run in the directory newest first, a run once with its most complete record', async () => {
    const page = await reader.list(ALL);
    expect(page.runs).toHaveLength(300 + 48 + 1);
    const times = page.runs.map((run) => run.document.started_at);
    expect(times).toEqual([...times].sort().reverse());
    const gate = page.runs[0]!;
    expect(gate.document.kind).toBe('gate');
    expect(gate.document.stage).toBe('delivery');
    expect([...gate.records].sort()).toEqual(['rollout/health-gate.delivery.json', 'rollout/health-gate.json']);
    expect(gate.uri).toBe(join(root, ...gate.key.split('/')));
    const failedDeploy = page.runs.find((run) => run.document.kind === 'deploy' && run.document.status === 'failed');
    expect(failedDeploy?.document.stage).toBe('rollback');
  });

  it('ignores JSON that is not evidence and reports a record file that does not parse', async () => {
    const page = await reader.list(ALL);
    expect(page.unreadable.map((entry) => entry.key).sort()).toEqual([
      'history/checks/old/2024/01/02/20240102T000000000Z.json',
      'rollout/20240101T000000000Z-old.json',
    ]);
  });

  it('skips date folders before --since and files last written before it, without reading them', async () => {
    const page = await reader.list({ ...ALL, since: new Date('2026-01-01T00:00:00.000Z') });
    expect(page.unreadable).toEqual([]);
    expect(page.runs).toHaveLength(300 + 48 + 1);
  });

  it('narrows to a service (with or without its monitors) or a monitor, and pages', async () => {
    const deploys = await reader.list({
      ...ALL,
      scope: { kind: 'service', service: 'checkout', environment: 'prod', monitors: false },
    });
    expect(new Set(deploys.runs.map((run) => run.document.kind))).toEqual(new Set(['deploy', 'gate']));
    const withMonitors = await reader.list({
      ...ALL,
      scope: { kind: 'service', service: 'checkout', environment: 'prod', monitors: true },
    });
    expect(withMonitors.runs).toHaveLength(349);
    const monitor = await reader.list({ ...ALL, scope: { kind: 'monitor', monitor: 'checkout-home' }, limit: 40 });
    expect(monitor.runs).toHaveLength(40);
    const rest = await reader.list({
      ...ALL,
      scope: { kind: 'monitor', monitor: 'checkout-home' },
      after: monitor.next!,
    });
    expect(rest.runs.map((run) => run.document.started_at)).toEqual(
      CHECK_TIMES.slice(40).map((at) => at.toISOString()),
    );
  });

  it('filters failed runs', async () => {
    const page = await reader.list({ ...ALL, filters: { status: 'failed' }, limit: 5 });
    expect(page.runs.every((run) => run.document.status === 'failed')).toBe(true);
    expect(page.runs).toHaveLength(5);
  });

  it('gets a record by its path in the directory and refuses one outside it', async () => {
    const entry = await reader.get('rollout/health-gate.json');
    expect(entry.document.kind).toBe('gate');
    expect(entry.uri).toBe(join(root, 'rollout/health-gate.json'));
    const outside = await reader.get('../etc/passwd').catch((caught: unknown) => caught);
    expect(outside).toBeInstanceOf(EvidenceReadError);
    expect((outside as Error).message).toContain('is not inside');
    const missing = await reader.get('rollout/nothing.json').catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(EvidenceReadError);
    expect((missing as EvidenceReadError).errorName).toBe('ENOENT');
    expect((missing as Error).message).toContain('ENOENT');
  });

  it('says which directory it cannot read', async () => {
    const error = await new FsEvidenceReader(join(root, 'nowhere')).list(ALL).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvidenceReadError);
    expect((error as Error).message).toContain(join(root, 'nowhere'));
  });
});
