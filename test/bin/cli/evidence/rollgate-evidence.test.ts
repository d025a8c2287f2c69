// `rollgate evidence` as a real child process: against moto (records written by the real S3EvidenceStore) and against
// a local evidence directory (./artifacts by default, as the gate and a copy of the bucket leave it). Runs are listed
// newest first, one line each, filtered and paged; show and latest render a record as an operator reads it; AWS,
// directory and usage errors exit 1 and 2 with one line; text a service chose cannot steer the terminal.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsEvidenceStore } from '../../../../lambda/adapters/local/fs-evidence-store.ts';
import { S3EvidenceStore } from '../../../../lambda/adapters/aws/s3-evidence-store.ts';
import { withRollback, type EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { createBucket, motoClients } from '../../../support/aws-fixtures.ts';
import { BucketLayoutFsEvidenceStore } from '../../../support/bucket-layout-fs-evidence-store.ts';
import { checkRecords, deployRecords, writeHistory } from '../../../support/evidence-history.ts';
import { motoAwsEnvironment } from '../../../support/moto-global-setup.ts';
import {
  CHECKOUT_DEPLOY,
  healthyTarget,
  sampleEvidence,
  unhealthyTarget,
} from '../../../lambda/core/evidence/sample-evidence.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rollgate evidence …`. */
function runEvidence(args: readonly string[], cwd?: string): Promise<CliRun> {
  return runRollgate(['evidence', ...args], cwd);
}

/** Runs `rollgate …` with only PATH, HOME and the moto AWS environment, given explicitly. */
function runRollgate(args: readonly string[], cwd?: string): Promise<CliRun> {
  // The same AWS_* variables the test workers get, given to the child explicitly rather than inherited.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: devNull,
    ...motoAwsEnvironment(inject('motoEndpoint')),
  };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, timeout: 30_000, ...(cwd !== undefined ? { cwd } : {}) },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The checkout deploy's verdict record at a given start time. */
function deployEvidence(
  startedAt: string,
  targets = [unhealthyTarget('https://checkout.example.com/health')],
): EvidenceDocument {
  return { ...sampleEvidence({ context: CHECKOUT_DEPLOY, targets }), started_at: startedAt };
}

const OLDER = deployEvidence('2026-11-23T09:15:00.000Z', [healthyTarget('https://checkout.example.com/health')]);
const NEWER = deployEvidence('2026-11-23T14:33:49.123Z');

let bucket: string;
let olderKey: string;
let newerKey: string;
let rollbackKey: string;

beforeAll(async () => {
  bucket = await createBucket();
  const store = new S3EvidenceStore({ client: motoClients().s3, bucket });
  const keyOf = (uri: string): string => uri.slice(`s3://${bucket}/`.length);
  olderKey = keyOf((await store.write(OLDER, 'verdict')).uri);
  const newerUri = (await store.write(NEWER, 'verdict')).uri;
  newerKey = keyOf(newerUri);
  const rolledBack = withRollback(
    NEWER,
    {
      attempted: true,
      ok: true,
      outcome: 'succeeded',
      exit_code: 0,
      duration_ms: 40,
      output_tail: null,
      executor: 'ssm:AWS-RunShellScript',
      target_version: '1.4.1',
      target_source: 'known_good',
    },
    new Date('2026-11-23T14:34:10.000Z'),
    21_000,
    newerUri,
  );
  rollbackKey = keyOf((await store.write(rolledBack, 'rollback')).uri);
});

describe.concurrent('rollgate evidence --bucket', () => {
  it('lists the runs of a service and environment newest first, one line each ending with its key', async () => {
    const run = await runEvidence(['list', '--bucket', bucket, '--service', 'checkout', '--environment', 'prod']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2026-11-23T14:33:49Z {2}FAILED {2}probe_failures {2,}Deploy checkout\/prod 1\.4\.2/);
    expect(lines[0]).toContain('rollback succeeded');
    expect(lines[0]!.endsWith(rollbackKey)).toBe(true);
    expect(lines[1]).toMatch(/^2026-11-23T09:15:00Z {2}PASSED /);
    expect(lines[1]!.endsWith(olderKey)).toBe(true);
    expect(run.stderr).not.toContain('rollgate');
  });

  it('lists one day as JSON, a page at a time, each run with all its records', async () => {
    const args = ['list', '--bucket', bucket, '--service', 'checkout', '--environment', 'prod', '--date', '2026-11-23'];
    const first = await runEvidence([...args, '--limit', '1', '--json']);
    expect(first.code).toBe(0);
    const page = JSON.parse(first.stdout);
    expect(page.runs).toEqual([
      expect.objectContaining({
        key: rollbackKey,
        uri: `s3://${bucket}/${rollbackKey}`,
        records: [rollbackKey, newerKey],
        kind: 'deploy',
        stage: 'rollback',
        status: 'failed',
        service: 'checkout',
        environment: 'prod',
        version: '1.4.2',
        rollback: 'succeeded',
      }),
    ]);
    expect(page.next).toBe(newerKey);
    const second = JSON.parse((await runEvidence([...args, '--after', page.next, '--json'])).stdout);
    expect(second.runs.map((run: { key: string }) => run.key)).toEqual([olderKey]);
    expect(second.next).toBeNull();
  });

  it('filters by status, version and --since, and says on stderr when nothing matches', async () => {
    const scope = ['--bucket', bucket, '--service', 'checkout', '--environment', 'prod'];
    const passed = await runEvidence(['list', ...scope, '--status', 'passed']);
    expect(
      passed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s+/).at(-1)),
    ).toEqual([olderKey]);
    const none = await runEvidence(['list', ...scope, '--version', 'v9.9.9']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`no run matches in s3://${bucket}`);
    const recent = await runEvidence(['list', ...scope, '--since', '2026-11-23T12:00:00Z', '--json']);
    expect(JSON.parse(recent.stdout).runs.map((run: { key: string }) => run.key)).toEqual([rollbackKey]);
  });

  it('keeps the raw key listing under --prefix', async () => {
    const run = await runEvidence(['list', '--bucket', bucket, '--prefix', 'deploys/checkout/', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([rollbackKey, newerKey, olderKey]);
  });

  it('shows a verdict record: the verdict, the rule that decided it, each condition and where it is', async () => {
    const run = await runEvidence(['show', '--bucket', bucket, '--key', newerKey]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Deploy checkout/prod 1.4.2: FAILED (probe_failures)');
    expect(run.stdout).toContain('  1/1 target(s) failing');
    expect(run.stdout).toContain('decided by probe_failures: a target failed its conditions on every attempt');
    expect(run.stdout).toContain('Targets (1, 0 healthy)');
    expect(run.stdout).toContain('FAIL [STATUS] 503 in [200-299]');
    expect(run.stdout).toMatch(/Evidence: +s3:\/\//);
    expect(run.stdout).toContain(`s3://${bucket}/${newerKey}`);
  });

  it('shows latest: the newest run rendered from its rollback record, with the rollback and the verdict record', async () => {
    const run = await runEvidence(['latest', '--bucket', bucket, '--service', 'checkout', '--environment', 'prod']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Rollback');
    expect(run.stdout).toContain('ok   succeeded, exit 0 in 40 ms to 1.4.1 (known-good): ssm:AWS-RunShellScript');
    expect(run.stdout).toContain(`verdict record: s3://${bucket}/${newerKey}`);
    expect(run.stdout).toContain(`s3://${bucket}/${rollbackKey}`);
  });

  it('exits 1 from latest when no run matches', async () => {
    const run = await runEvidence(['latest', '--bucket', bucket, '--monitor', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no run matches');
  });

  it('prints the stored document unchanged with --json', async () => {
    const run = await runEvidence(['show', '--bucket', bucket, '--key', olderKey, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(OLDER);
  });

  it('exits 1 naming the object and NoSuchKey when the key does not exist', async () => {
    const missing = 'deploys/checkout/prod/2026/11/23/nothing-here.json';
    const run = await runEvidence(['show', '--bucket', bucket, '--key', missing]);
    expect(run.code).toBe(1);
    const line = lastLine(run.stderr);
    expect(line).toContain(`s3://${bucket}/${missing}`);
    expect(line).toContain('NoSuchKey');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming NoSuchBucket when the bucket does not exist', async () => {
    const run = await runEvidence(['list', '--bucket', `${bucket}-missing`, '--all']);
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toContain('NoSuchBucket');
  });
});

describe.concurrent('rollgate evidence usage', () => {
  it.each([
    [['list', '--bucket', 'bucket', '--service', 'check/out', '--environment', 'prod'], '--service', '"check/out"'],
    [['list', '--bucket', 'bucket', '--service', 'checkout', '--environment', '..'], '--environment', '".."'],
    [['list', '--service', 'checkout', '--environment', 'prod', '--date', '2026-02-30'], '--date', '"2026-02-30"'],
    [['list', '--monitor', 'a b'], '--monitor', '"a b"'],
    [['list', '--all', '--limit', '0'], '--limit', '"0"'],
    [['list', '--all', '--since', 'yesterday'], '--since', '"yesterday"'],
    [['list', '--all', '--status', 'broken'], '--status', '"broken"'],
    [['list', '--all', '--commit', 'xyz'], '--commit', '"xyz"'],
    [['list', '--monitor', 'm', '--all'], '--service', 'exactly one'],
    [['latest', '--all', '--bucket', 'bucket', '--evidence-dir', 'x'], '--evidence-dir', 'not both'],
    [['list', '--prefix', 'deploys/'], '--prefix', '--bucket'],
    [['show'], '--key', 'is required'],
  ])('exits 2 on %j naming %s and its value', async (args, flag, shown) => {
    const run = await runEvidence(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(flag);
    expect(run.stderr).toContain(shown);
  });

  it('describes list, latest and show in --help, and rollgate --help lists the commands', async () => {
    const [evidenceHelp, topHelp] = await Promise.all([runEvidence(['--help']), runRollgate(['--help'])]);
    expect(evidenceHelp.code).toBe(0);
    for (const flag of [
      '--bucket',
      '--evidence-dir',
      '--prefix',
      '--service',
      '--environment',
      '--monitor',
      '--all',
      '--date',
      '--since',
      '--status',
      '--version',
      '--commit',
      '--limit',
      '--after',
      '--key',
      '--json',
    ]) {
      expect(evidenceHelp.stdout).toContain(flag);
    }
    expect(topHelp.stdout).toContain('rollgate evidence list|latest|show');
    expect(topHelp.stdout).toContain('rollgate report');
  });
});

describe.concurrent('rollgate evidence over a local evidence directory', () => {
  let project: string;
  const now = Date.now();
  const hoursAgo = (hours: number): Date => new Date(now - hours * 3_600_000);

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'rollgate-evidence-cli-'));
    const artifacts = join(project, 'artifacts');
    // A monitor's runs under checks/home/ and a deploy, each in its own file as in the bucket.
    await writeHistory(new BucketLayoutFsEvidenceStore(artifacts), [
      checkRecords('home', { at: hoursAgo(72) }),
      checkRecords('home', { at: hoursAgo(2), failed: true }),
      checkRecords('home', { at: hoursAgo(1) }),
      deployRecords('checkout', 'prod', { at: hoursAgo(30), version: '2.0.0', commit: 'abcdef1234' }),
    ]);
    // The local gate's record, with a body excerpt that tries to clear the terminal and retitle it.
    const hostile = unhealthyTarget('http://127.0.0.1:9/health');
    const gate: EvidenceDocument = {
      ...sampleEvidence({ context: { kind: 'gate', service: 'checkout', environment: 'prod' }, targets: [hostile] }),
      started_at: hoursAgo(0.5).toISOString(),
      targets: [
        {
          ...hostile,
          attempts: [
            {
              attempt: 1,
              latency_ms: 3,
              http_status: 503,
              body_excerpt: '\u001b[2J\u001b]0;pwned\u0007down',
              ok: false,
              expectations: hostile.expectations,
            },
          ],
        },
      ],
    };
    await new FsEvidenceStore(join(artifacts, 'rollout')).write(gate, 'verdict');
    await mkdir(join(project, 'empty'));
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('reads ./artifacts by default: every run in it, newest first', async () => {
    const run = await runEvidence(['list', '--all'], project);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/).at(-1))).toEqual([
      'rollout/health-gate.json',
      expect.stringMatching(/^checks\/home\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{9}Z\.json$/),
      expect.stringMatching(/^checks\/home\//),
      expect.stringMatching(/^deploys\/checkout\/prod\//),
      expect.stringMatching(/^checks\/home\//),
    ]);
    expect(lines[2]).toContain('FAILED');
  });

  it('narrows by monitor, --since, version and commit', async () => {
    const recent = await runEvidence(['list', '--monitor', 'home', '--since', '1d', '--json'], project);
    expect(JSON.parse(recent.stdout).runs.map((run: { status: string }) => run.status)).toEqual(['passed', 'failed']);
    const byCommit = await runEvidence(
      ['list', '--service', 'checkout', '--environment', 'prod', '--commit', 'ABCDEF', '--json'],
      project,
    );
    expect(JSON.parse(byCommit.stdout).runs.map((run: { version: string }) => run.version)).toEqual(['2.0.0']);
  });

  it('shows latest for a monitor, and a record by its path in the directory', async () => {
    const latest = await runEvidence(['latest', '--monitor', 'home', '--status', 'failed'], project);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain('Check home: FAILED (probe_failures)');
    const show = await runEvidence(['show', '--key', 'rollout/health-gate.json'], project);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Gate checkout/prod: FAILED (probe_failures)');
    expect(show.stdout).toContain(join(project, 'artifacts/rollout/health-gate.json'));
  });

  it('shows what a service wrote without letting its escape sequences reach the terminal', async () => {
    const show = await runEvidence(['show', '--key', 'rollout/health-gate.json'], project);
    expect(show.stdout).toContain('| \\u{1b}[2J\\u{1b}]0;pwned\\u{7}down');
    expect(show.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('exits 1 naming the directory when there is no evidence directory', async () => {
    const run = await runEvidence(['list', '--all'], join(project, 'empty'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(join(project, 'empty', 'artifacts'));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** The last line on stderr: the SDK may print its own warnings (e.g. about the Node.js version) before ours. */
function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}
