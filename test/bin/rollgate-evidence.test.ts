// `rollgate evidence` as a real child process against moto: evidence written by the real S3EvidenceStore is listed
// newest first and shown as the gate's summary or as stored JSON; AWS and usage errors exit 1 and 2 with one line.

import { execFile } from 'node:child_process';
import { devNull } from 'node:os';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { S3EvidenceStore } from '../../lambda/adapters/s3-evidence-store.ts';
import { withRollback, type EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import { createBucket, motoClients } from '../support/aws-fixtures.ts';
import { motoAwsEnvironment } from '../support/moto-global-setup.ts';
import {
  CHECKOUT_DEPLOY,
  healthyTarget,
  sampleEvidence,
  unhealthyTarget,
} from '../lambda/core/evidence/sample-evidence.ts';

const CLI = resolve(import.meta.dirname, '../../bin/rollgate.mjs');

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rollgate evidence …`. */
function runEvidence(args: readonly string[]): Promise<CliRun> {
  return runRollgate(['evidence', ...args]);
}

/** Runs `rollgate …` with only PATH, HOME and the moto AWS environment, given explicitly. */
function runRollgate(args: readonly string[]): Promise<CliRun> {
  // The same AWS_* variables the test workers get, given to the child explicitly rather than inherited.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: devNull,
    ...motoAwsEnvironment(inject('motoEndpoint')),
  };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
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
    },
    new Date('2026-11-23T14:34:10.000Z'),
    21_000,
    newerUri,
  );
  rollbackKey = keyOf((await store.write(rolledBack, 'rollback')).uri);
});

describe.concurrent('rollgate evidence', () => {
  it('lists a service and environment newest first, one key a line', async () => {
    const run = await runEvidence(['list', '--bucket', bucket, '--service', 'checkout', '--environment', 'prod']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([rollbackKey, newerKey, olderKey]);
    expect(newerKey).toMatch(/^deploys\/checkout\/prod\/2026\/11\/23\/20261123T143349123Z-evt-123\.json$/);
  });

  it('lists one day as a JSON array, cut to --limit', async () => {
    const run = await runEvidence([
      'list',
      '--bucket',
      bucket,
      '--service',
      'checkout',
      '--environment',
      'prod',
      '--date',
      '2026-11-23',
      '--limit',
      '2',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([rollbackKey, newerKey]);
  });

  it('shows a document as the gate summary with its s3 location', async () => {
    const run = await runEvidence(['show', '--bucket', bucket, '--key', newerKey]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Rollgate gate FAILED (probe_failures): 1/1 target(s) failing');
    expect(run.stdout).toContain('why: [STATUS] 503 in [200-299]');
    expect(run.stdout).toContain(`Evidence: s3://${bucket}/${newerKey}`);
  });

  it('shows a rollback record with the rollback and the verdict record it links to', async () => {
    const run = await runEvidence(['show', '--bucket', bucket, '--key', rollbackKey]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Rollback: succeeded, exit 0 in 40 ms: ssm:AWS-RunShellScript');
    expect(run.stdout).toContain(`Verdict record: s3://${bucket}/${newerKey}`);
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
    const run = await runEvidence(['list', '--bucket', `${bucket}-missing`, '--prefix', 'deploys/']);
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toContain('NoSuchBucket');
  });

  it.each([
    [['list', '--bucket', 'b', '--service', 'check/out', '--environment', 'prod'], '--service', '"check/out"'],
    [['list', '--bucket', 'b', '--service', 'checkout', '--environment', '..'], '--environment', '".."'],
    [
      ['list', '--bucket', 'b', '--service', 'checkout', '--environment', 'prod', '--date', '2026-02-30'],
      '--date',
      '"2026-02-30"',
    ],
    [['list', '--bucket', 'b', '--monitor', 'a b'], '--monitor', '"a b"'],
    [['list', '--bucket', 'b', '--prefix', 'deploys/', '--limit', '0'], '--limit', '"0"'],
    [['show', '--key', 'k'], '--bucket', 'nothing'],
  ])('exits 2 on %j naming %s and its value', async (args, flag, shown) => {
    const run = await runEvidence(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(flag);
    expect(run.stderr).toContain(shown);
  });

  it('describes list and show in --help, and rollgate --help lists the command', async () => {
    const [evidenceHelp, topHelp] = await Promise.all([runEvidence(['--help']), runRollgate(['--help'])]);
    expect(evidenceHelp.code).toBe(0);
    for (const flag of [
      '--bucket',
      '--prefix',
      '--service',
      '--environment',
      '--date',
      '--monitor',
      '--limit',
      '--key',
      '--json',
    ]) {
      expect(evidenceHelp.stdout).toContain(flag);
    }
    expect(topHelp.stdout).toContain('rollgate evidence list|show');
  });
});

/** The last line on stderr: the SDK may print its own warnings (e.g. about the Node.js version) before ours. */
function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}
