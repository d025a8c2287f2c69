// `rollgate report` as a real child process: a page from a local evidence directory and from the stack's bucket (on
// moto), cut to --max-runs with a notice, and one line with exit 1 or 2 when the evidence cannot be read, the page
// cannot be written or a flag is wrong.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3EvidenceStore } from '../../../../lambda/adapters/aws/s3-evidence-store.ts';
import { createBucket, motoClients } from '../../../support/aws-fixtures.ts';
import { BucketLayoutFsEvidenceStore } from '../../../support/bucket-layout-fs-evidence-store.ts';
import {
  checkRecords,
  deployRecords,
  timesBack,
  writeHistory,
  type HistoryRecord,
} from '../../../support/evidence-history.ts';
import { motoAwsEnvironment } from '../../../support/moto-global-setup.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runReport(args: readonly string[], cwd: string): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: devNull,
    ...motoAwsEnvironment(inject('motoEndpoint')),
  };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, 'report', ...args], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** A day of hourly checks of `home` (three failing) and two deploys of checkout/prod, one rolled back. */
function history(now: number): HistoryRecord[][] {
  const checks = timesBack(new Date(now - 10 * 60_000), 24, 3_600_000).map((at, index) =>
    checkRecords('home', { at, failed: index >= 5 && index < 8 }, { service: 'checkout', environment: 'prod' }),
  );
  return [
    ...checks,
    deployRecords('checkout', 'prod', { at: new Date(now - 5 * 3_600_000), failed: true, version: '1.4.3' }),
    deployRecords('checkout', 'prod', { at: new Date(now - 20 * 3_600_000), version: '1.4.2' }),
  ];
}

let workspace: string;
let bucket: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'rollgate-report-cli-'));
  const now = Date.now();
  await writeHistory(new BucketLayoutFsEvidenceStore(join(workspace, 'artifacts')), history(now));
  bucket = await createBucket();
  await writeHistory(new S3EvidenceStore({ client: motoClients().s3, bucket }), history(now));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe.concurrent('rollgate report', () => {
  it('writes one page of every run in ./artifacts and says where', async () => {
    const run = await runReport(['--all', '--out', 'all.html'], workspace);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Report: ${join(workspace, 'all.html')} (26 runs, 4 failed, 1 rollbacks); it opens in any browser with no network\n`,
    );
    const page = await readFile(join(workspace, 'all.html'), 'utf8');
    expect(page).toContain('<title>Rollgate report: every service and monitor</title>');
    expect(page.match(/class="run-detail"/g)).toHaveLength(26);
  });

  it("writes a service's page from the bucket, with the monitor that watches it", async () => {
    const run = await runReport(
      ['--bucket', bucket, '--service', 'checkout', '--environment', 'prod', '--since', '2d', '--out', 'bucket.html'],
      workspace,
    );
    expect(run.code).toBe(0);
    const page = await readFile(join(workspace, 'bucket.html'), 'utf8');
    expect(page).toContain('<title>Rollgate report: checkout/prod</title>');
    expect(page).toContain(`read from s3://${bucket}`);
    expect(page).toContain('>monitor home</text>');
    expect(page.match(/class="run-detail"/g)).toHaveLength(26);
  });

  it('keeps the newest runs within --max-runs and says the page is cut', async () => {
    const run = await runReport(['--monitor', 'home', '--max-runs', '5', '--out', 'cut.html'], workspace);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(5 runs, 0 failed, 0 rollbacks; the newest 5 only)');
    expect(await readFile(join(workspace, 'cut.html'), 'utf8')).toContain('More runs matched than this report holds');
  });

  it.each([
    [[], '--service'],
    [['--all', '--max-runs', '0'], '--max-runs'],
    [['--all', '--since', 'last week'], '--since'],
    [['--monitor', 'a/b'], '--monitor'],
    [['--all', '--bucket', 'b-b-b', '--evidence-dir', 'x'], '--evidence-dir'],
  ])('exits 2 on %j naming %s', async (args, flag) => {
    const run = await runReport(args, workspace);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(flag);
  });

  it('exits 1 with one line when there is no evidence directory, or the page cannot be written', async () => {
    const missing = await runReport(['--all', '--evidence-dir', 'nowhere'], workspace);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(workspace, 'nowhere'));
    const unwritable = await runReport(['--all', '--out', 'no/such/dir/report.html'], workspace);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^rollgate report: cannot write the report to .*no\/such\/dir\/report\.html/);
    expect(unwritable.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('describes itself in --help', async () => {
    const run = await runReport(['--help'], workspace);
    expect(run.code).toBe(0);
    for (const flag of [
      '--service',
      '--monitor',
      '--all',
      '--since',
      '--date',
      '--bucket',
      '--evidence-dir',
      '--out',
      '--max-runs',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});
