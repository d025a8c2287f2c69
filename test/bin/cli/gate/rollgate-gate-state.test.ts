// The CLI's memory as real child processes: `rollgate gate --state-dir` records the version a passed gate proved and
// rolls a failed one back to it (ROLLGATE_TARGET_VERSION), `rollgate pause` holds back alerts and rollbacks until
// `rollgate resume`, in the state directory or the stack's DynamoDB table (moto).

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStateStore } from '../../../../lambda/adapters/aws/dynamodb-state-store.ts';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import { pauseKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { awsClientConfig } from '../../../support/aws-fixtures.ts';
import { motoAwsEnvironment } from '../../../support/moto-global-setup.ts';
import { createStateTable } from '../../../support/state-table-fixture.ts';
import { healthyService, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rollgate …` in `dir` with only PATH and HOME (and the moto AWS environment when asked). */
function rollgate(dir: string, args: readonly string[], aws = false): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    ...(aws ? motoAwsEnvironment(inject('motoEndpoint')) : {}),
  };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

const SCOPE = ['--service', 'checkout', '--environment', 'prod'];
/** Writes the target version and its source where the test can read them. */
const ROLLBACK = 'printf "%s %s" "$ROLLGATE_TARGET_VERSION" "$ROLLGATE_TARGET_SOURCE" > rolled-back-to.txt';

function gate(dir: string, server: LoopbackServer, version: string, extra: readonly string[] = []): Promise<CliRun> {
  return rollgate(dir, [
    'gate',
    '--url',
    server.url('/health'),
    '--expect-version',
    version,
    '--retries',
    '0',
    '--state-dir',
    '.rollgate/state',
    ...SCOPE,
    '--rollback-command',
    ROLLBACK,
    ...extra,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: tests read evidence fields of every shape
function evidenceOf(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'artifacts/rollout/health-gate.json'), 'utf8'));
}

let onOld: LoopbackServer;
let onNew: LoopbackServer;

beforeAll(async () => {
  onOld = await startLoopbackServer(healthyService('1.4.1'));
  onNew = await startLoopbackServer(healthyService('1.4.2'));
});

afterAll(async () => {
  await Promise.all([onOld.close(), onNew.close()]);
});

describe('rollgate gate --state-dir', () => {
  it('records a passed version as known-good and rolls a failed one back to it through ROLLGATE_TARGET_VERSION', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-state-cli-'));
    const passed = await gate(dir, onOld, '1.4.1');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('State: checkout/prod deployed 1.4.1, known-good 1.4.1');
    expect(evidenceOf(dir).state).toMatchObject({
      store: 'available',
      written: true,
      service: { deployed: '1.4.1', known_good: '1.4.1' },
    });

    // 1.4.2 was deployed, but the hosts still answer 1.4.1.
    const failed = await gate(dir, onOld, '1.4.2');
    expect(failed.code).toBe(1);
    expect(readFileSync(join(dir, 'rolled-back-to.txt'), 'utf8')).toBe('1.4.1 known_good');
    expect(failed.stdout).toMatch(/Rollback: succeeded, exit 0 in \d+ ms to 1\.4\.1 \(known_good\)/);
    expect(evidenceOf(dir).rollback).toMatchObject({
      outcome: 'succeeded',
      target_version: '1.4.1',
      target_source: 'known_good',
    });

    const stored = await new FsStateStore({ directory: join(dir, '.rollgate/state') }).read([
      serviceStateKey('checkout', 'prod'),
    ]);
    const service = stored.get(serviceStateKey('checkout', 'prod'))?.value;
    expect(service).toMatchObject({ deployed: { version: '1.4.1' }, knownGood: [{ version: '1.4.1' }] });
    // The known-good version names its passed record's own file, which the failed run after it left as it was.
    const proof = service?.knownGood[0]?.evidence ?? '';
    expect(proof).toMatch(/artifacts\/rollout\/deploys\/checkout\/prod\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{9}Z\.json$/);
    expect(JSON.parse(readFileSync(proof, 'utf8'))).toMatchObject({ status: 'passed', expected_version: '1.4.1' });
  });

  it('sends no rollback before any version is known-good, and alerts RollbackRequired saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-state-cli-'));
    const failed = await gate(dir, onOld, '1.4.2');
    expect(failed.code).toBe(1);
    expect(existsSync(join(dir, 'rolled-back-to.txt'))).toBe(false);
    expect(failed.stderr).toContain(
      'ALERT RollbackRequired: [Rollgate] ROLLBACK REQUIRED gate v1.4.2: gate failed, no known-good version',
    );
    expect(evidenceOf(dir).rollback).toMatchObject({ outcome: 'withheld', reason: 'no_known_good_version' });
  });

  it('keeps the state of a plain gate file too: there, --service names only the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-state-cli-'));
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ targets: [{ url: onOld.url('/health') }], retries: 0 }));
    const run = await rollgate(dir, [
      'gate',
      '--config',
      'gate.json',
      '--expect-version',
      '1.4.1',
      '--state-dir',
      'state',
      ...SCOPE,
    ]);
    expect(run.code).toBe(0);
    expect(evidenceOf(dir).state.service).toMatchObject({
      service: 'checkout',
      deployed: '1.4.1',
      known_good: '1.4.1',
    });
  });

  it('refuses --state-dir without the service whose state it keeps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-state-cli-'));
    const run = await rollgate(dir, ['gate', '--url', onNew.url('/health'), '--state-dir', 'state']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'rollgate: --state-dir: needs --service and --environment, whose versions and lock it keeps (got "state")',
    );
  });
});

describe('rollgate pause and resume', () => {
  it('holds back alerts and the rollback of a failing gate until resumed; the gate still fails and records the pause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-pause-cli-'));
    expect((await gate(dir, onOld, '1.4.1')).code).toBe(0);

    const paused = await rollgate(dir, [
      'pause',
      ...SCOPE,
      '--for',
      '30m',
      '--reason',
      'database migration',
      '--by',
      'ops',
    ]);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^Paused checkout\/prod until \d{4}-\d{2}-\d{2}T[\d:.]+Z: database migration\n/);

    const whilePaused = await gate(dir, onOld, '1.4.2');
    expect(whilePaused.code).toBe(1);
    expect(whilePaused.stderr).not.toContain('ALERT');
    expect(existsSync(join(dir, 'rolled-back-to.txt'))).toBe(false);
    expect(evidenceOf(dir)).toMatchObject({
      status: 'failed',
      rollback: { outcome: 'withheld', reason: 'paused' },
      state: { pause: { reason: 'database migration', by: 'ops' } },
    });
    expect(whilePaused.stdout).toContain('Paused until');

    const resumed = await rollgate(dir, ['resume', ...SCOPE]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^Resumed checkout\/prod \(it was paused until .*: database migration\)\n$/);
    expect((await rollgate(dir, ['resume', ...SCOPE])).stdout).toBe('checkout/prod was not paused\n');

    const afterwards = await gate(dir, onOld, '1.4.2');
    expect(afterwards.code).toBe(1);
    expect(afterwards.stderr).toContain('ALERT VersionMismatch');
    expect(readFileSync(join(dir, 'rolled-back-to.txt'), 'utf8')).toBe('1.4.1 known_good');
  });

  it.each([
    {
      name: 'no reason',
      args: ['--for', '30m'],
      says: '--reason: is required: say why, for whoever finds the service paused',
    },
    {
      name: 'a duration without a unit',
      args: ['--for', '30', '--reason', 'x'],
      says: '--for: must be a whole number and a unit: 90s, 30m, 2h or 1d (got "30")',
    },
    {
      name: 'a pause past 30 days',
      args: ['--for', '31d', '--reason', 'x'],
      says: '--for: must be at most 30 days (got "31d")',
    },
    {
      name: 'a reason over two lines',
      args: ['--for', '1h', '--reason', 'a\nb'],
      says: '--reason: must not contain line breaks or control characters',
    },
    {
      name: 'both stores',
      args: ['--for', '1h', '--reason', 'x', '--table', 'tbl', '--state-dir', 'd'],
      says: '--table: and --state-dir name two stores; give one (got "tbl")',
    },
  ])('refuses $name with exit 2, naming the flag', async ({ args, says }) => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-pause-cli-'));
    const run = await rollgate(dir, ['pause', ...SCOPE, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`rollgate: ${says}`);
    expect(existsSync(join(dir, '.rollgate'))).toBe(false);
  });

  it("writes the pause to the stack's DynamoDB table with --table, and removes it on resume", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-pause-cli-'));
    const table = await createStateTable();
    const store = new DynamoDbStateStore({ client: new DynamoDBClient(awsClientConfig()), tableName: table });

    const paused = await rollgate(
      dir,
      ['pause', ...SCOPE, '--for', '2h', '--reason', 'incident 42', '--table', table, '--json'],
      true,
    );
    expect(paused.code).toBe(0);
    const printed = JSON.parse(paused.stdout);
    const item = (await store.read([pauseKey('checkout', 'prod')])).get(pauseKey('checkout', 'prod'));
    expect(item?.value).toEqual(printed.pause);
    expect(Date.parse(printed.pause.until) - Date.parse(printed.pause.since)).toBe(2 * 3_600_000);

    const resumed = await rollgate(dir, ['resume', ...SCOPE, '--table', table], true);
    expect(resumed.code).toBe(0);
    expect((await store.read([pauseKey('checkout', 'prod')])).entry(pauseKey('checkout', 'prod'))).toBeUndefined();
  });

  it('exits 1 naming the table when it does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-pause-cli-'));
    const run = await rollgate(dir, ['resume', ...SCOPE, '--table', 'no-such-rollgate-table'], true);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^rollgate resume checkout\/prod: .*no-such-rollgate-table.*ResourceNotFoundException/m);
  });
});
