// The CLI as a real child process: exit codes, both evidence files for every outcome, the env file sourced in bash,
// the rollback really running, precedence of flags over file over environment, and --dry-run running nothing.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixedService,
  healthyService,
  startLoopbackServer,
  type LoopbackServer,
} from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly dir: string;
}

/** Runs `rollgate gate …` in a fresh temp dir with only the given CI-contract variables set. */
function runGate(
  args: readonly string[],
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-')),
): Promise<CliRun> {
  const baseEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, 'gate', '--backoff-ms', '0', '--timeout-ms', '2000', ...args],
      { cwd: dir, env: { ...baseEnv, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr, dir });
      },
    );
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read evidence fields of every shape
function evidenceOf(run: CliRun, evidenceDir = 'artifacts/rollout'): Record<string, any> {
  return JSON.parse(readFileSync(join(run.dir, evidenceDir, 'health-gate.json'), 'utf8'));
}

/** Sources health-gate.env in bash and prints the named variables, one per line. */
function sourceEnvFile(run: CliRun, names: readonly string[]): Promise<string[]> {
  const file = join(run.dir, 'artifacts/rollout/health-gate.env');
  const script = `set -eu; source "$1"; shift; for n in "$@"; do printf '%s\\n' "\${!n}"; done`;
  return new Promise((done, fail) => {
    execFile('bash', ['-c', script, 'bash', file, ...names], (error, stdout) =>
      error ? fail(error) : done(stdout.split('\n').slice(0, names.length)),
    );
  });
}

let healthy: LoopbackServer;
let broken: LoopbackServer;
let oldVersion: LoopbackServer;

beforeAll(async () => {
  healthy = await startLoopbackServer(healthyService('v1.4.2'));
  broken = await startLoopbackServer(fixedService(503, { status: 'degraded', version: 'v1.4.2' }));
  oldVersion = await startLoopbackServer(healthyService('1.4.1'));
});

afterAll(async () => {
  await Promise.all([healthy.close(), broken.close(), oldVersion.close()]);
});

describe.concurrent('rollgate gate exit codes and evidence', () => {
  it('passes with exit 0 and writes both evidence files', async () => {
    const run = await runGate(['--url', healthy.url('/health'), '--expect-version', '1.4.2']);
    expect(run.code).toBe(0);
    const evidence = evidenceOf(run);
    expect(evidence).toMatchObject({
      schema_version: 1,
      status: 'passed',
      status_reason: 'all_probes_healthy',
      expected_version: '1.4.2',
    });
    expect(evidence.targets[0]).toMatchObject({ ok: true, version: 'v1.4.2' });
    expect(
      await sourceEnvFile(run, [
        'HEALTH_GATE_STATUS',
        'HEALTH_GATE_STATUS_REASON',
        'HEALTH_GATE_ROLLBACK_ATTEMPTED',
        'HEALTH_GATE_EVIDENCE',
      ]),
    ).toEqual(['passed', 'all_probes_healthy', 'false', join(run.dir, 'artifacts/rollout/health-gate.json')]);
    expect(run.stdout).toContain('OK');
  });

  it('is skipped with exit 0 when no URLs are configured', async () => {
    const run = await runGate([], { RUNTIME_HEALTH_URLS: ' , ' });
    expect(run.code).toBe(0);
    expect(evidenceOf(run)).toMatchObject({ status: 'skipped', status_reason: 'no_urls_configured' });
    expect(await sourceEnvFile(run, ['HEALTH_GATE_STATUS'])).toEqual(['skipped']);
  });

  it.each([
    ['the flag', ['--fail-on-skipped'], {}],
    ['ROLLGATE_FAIL_ON_SKIPPED=true', [], { ROLLGATE_FAIL_ON_SKIPPED: 'true' }],
  ])('exits 3 when skipped under %s, still writing skipped evidence', async (_label, args, env) => {
    const run = await runGate(args, env);
    expect(run.code).toBe(3);
    expect(evidenceOf(run)).toMatchObject({ status: 'skipped', status_reason: 'no_urls_configured' });
  });

  it('fails with exit 1, runs the rollback once, and stays failed when the rollback succeeds', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'rollgate-marker-')), 'rolled-back');
    const run = await runGate([], {
      RUNTIME_HEALTH_URLS: `${healthy.url('/health')},${broken.url('/health')}`,
      RUNTIME_ROLLBACK_COMMAND: `echo "$ROLLGATE_STATUS $ROLLGATE_FAILED_URLS" >> '${marker}'`,
    });
    expect(run.code).toBe(1);
    expect(readFileSync(marker, 'utf8')).toBe(`failed ${broken.url('/health')}\n`);
    const evidence = evidenceOf(run);
    expect(evidence).toMatchObject({ status: 'failed', status_reason: 'probe_failures', stage: 'rollback' });
    expect(evidence.rollback).toMatchObject({ attempted: true, ok: true, outcome: 'succeeded', exit_code: 0 });
    expect(evidence.targets[1].reason).toContain('[STATUS] 503 in [200-299]');
    expect(await sourceEnvFile(run, ['HEALTH_GATE_STATUS', 'HEALTH_GATE_ROLLBACK_ATTEMPTED'])).toEqual([
      'failed',
      'true',
    ]);
  });

  it('records a rollback command that exits non-zero with its exit code', async () => {
    const run = await runGate(['--url', broken.url('/health'), '--rollback-command', 'echo undo failed >&2; exit 7']);
    expect(run.code).toBe(1);
    expect(evidenceOf(run).rollback).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'failed',
      exit_code: 7,
      output_tail: 'undo failed\n',
    });
  });

  it('fails on a version mismatch without a rollback and says so', async () => {
    const run = await runGate(['--url', oldVersion.url('/health'), '--expect-version', 'v1.4.2']);
    expect(run.code).toBe(1);
    const evidence = evidenceOf(run);
    expect(evidence.targets[0].reason).toBe('[BODY].version "1.4.1" == "v1.4.2"');
    expect(evidence.rollback).toMatchObject({ attempted: false, outcome: 'not_configured' });
    expect(run.stderr).toContain('ALERT VersionMismatch');
  });

  it.each([
    ['a negative timeout', ['--url', 'http://127.0.0.1:9/', '--timeout-ms', '-5'], {}, '--timeout-ms', '-5'],
    ['a non-numeric retry count', ['--retries', 'many'], {}, '--retries', '"many"'],
    ['an unknown flag', ['--colour'], {}, '--colour', '"--colour"'],
    [
      'a non-http URL in the environment',
      [],
      { RUNTIME_HEALTH_URLS: 'http://ok.invalid/,ftp://files.invalid/x' },
      'RUNTIME_HEALTH_URLS',
      '"ftp://files.invalid/x"',
    ],
    [
      'a bad ROLLGATE_FAIL_ON_SKIPPED',
      [],
      { ROLLGATE_FAIL_ON_SKIPPED: 'sometimes' },
      'ROLLGATE_FAIL_ON_SKIPPED',
      '"sometimes"',
    ],
  ])(
    'exits 2 on %s, naming the field and value, and records failed/invalid_config',
    async (_label, args, env, field, value) => {
      const run = await runGate(args as string[], env as Record<string, string>);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`rollgate: ${field}`);
      expect(run.stderr).toContain(value);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const evidence = evidenceOf(run);
      expect(evidence).toMatchObject({ status: 'failed', status_reason: 'invalid_config' });
      expect(evidence.message).toContain(field);
      expect(await sourceEnvFile(run, ['HEALTH_GATE_STATUS_REASON'])).toEqual(['invalid_config']);
    },
  );

  it('exits 4 when a passing gate cannot write its evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-'));
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const run = await runGate(['--url', healthy.url('/health'), '--evidence-dir', 'not-a-dir/sub'], {}, dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('ALERT EvidenceWriteFailed');
    expect(run.stderr).toContain('evidence could not be written');
  });
});

describe.concurrent('rollgate gate settings', () => {
  it('lets --url override RUNTIME_HEALTH_URLS and --expect-version override RUNTIME_EXPECTED_VERSION', async () => {
    const run = await runGate(['--url', healthy.url('/health'), '--expect-version', '1.4.2'], {
      RUNTIME_HEALTH_URLS: broken.url('/health'),
      RUNTIME_EXPECTED_VERSION: '9.9.9',
    });
    expect(run.code).toBe(0);
    expect(evidenceOf(run).targets.map((t: { url: string }) => t.url)).toEqual([healthy.url('/health')]);
  });

  it('lets the config file override the environment and flags override the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-'));
    writeFileSync(
      join(dir, 'gate.json'),
      JSON.stringify({ targets: [{ url: healthy.url('/health'), name: 'api' }], expectedVersion: '1.4.2', retries: 0 }),
    );
    const fileWins = await runGate(
      ['--config', 'gate.json'],
      { RUNTIME_HEALTH_URLS: broken.url('/health'), RUNTIME_EXPECTED_VERSION: '0.0.1' },
      dir,
    );
    expect(fileWins.code).toBe(0);
    expect(evidenceOf(fileWins).targets[0]).toMatchObject({ name: 'api', ok: true });

    const flagWins = await runGate(['--config', 'gate.json', '--expect-version', '2.0.0'], {}, dir);
    expect(flagWins.code).toBe(1);
    expect(evidenceOf(flagWins).expected_version).toBe('2.0.0');
  });

  it('names the config file and field of a bad setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-'));
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ targets: [{ url: 'gopher://x' }] }));
    const run = await runGate(['--config', 'gate.json'], {}, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('gate.json: targets[0].url');
    expect(run.stderr).toContain('"gopher://x"');
  });

  it('sends ${ENV} header references and never records their values', async () => {
    const secret = 'sekret-token-0123456789';
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-cli-'));
    writeFileSync(
      join(dir, 'gate.json'),
      JSON.stringify({
        targets: [{ url: healthy.url('/private'), headers: { Authorization: 'Bearer ${API_TOKEN}' } }],
      }),
    );
    const run = await runGate(['--config', 'gate.json', '--json'], { API_TOKEN: secret }, dir);
    expect(run.code).toBe(0);
    expect(healthy.lastHeaders.get('/private')?.authorization).toBe(`Bearer ${secret}`);
    const files =
      readFileSync(join(dir, 'artifacts/rollout/health-gate.json'), 'utf8') +
      readFileSync(join(dir, 'artifacts/rollout/health-gate.env'), 'utf8');
    expect(files + run.stdout + run.stderr).not.toContain(secret);
    expect(JSON.parse(run.stdout).targets[0].header_names).toEqual(['Authorization']);
  });

  it('redacts credentials in URLs from evidence and the env file', async () => {
    const url = `http://user:hunter22@127.0.0.1:${broken.port}/creds?token=abc123def&region=eu`;
    const run = await runGate(['--url', url, '--retries', '0']);
    expect(run.code).toBe(1);
    const files =
      readFileSync(join(run.dir, 'artifacts/rollout/health-gate.json'), 'utf8') +
      readFileSync(join(run.dir, 'artifacts/rollout/health-gate.env'), 'utf8');
    expect(files).not.toContain('hunter22');
    expect(files).not.toContain('abc123def');
    expect(files).toContain('region=eu');
    expect(broken.lastHeaders.get('/creds')?.authorization).toBe(
      `Basic ${Buffer.from('user:hunter22').toString('base64')}`,
    );
  });

  it('--dry-run validates and probes nothing, runs nothing and writes nothing', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'rollgate-marker-')), 'ran');
    const before = broken.hits.get('/dry') ?? 0;
    const run = await runGate(['--dry-run', '--url', broken.url('/dry'), '--rollback-command', `touch '${marker}'`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('program "touch" found');
    expect(broken.hits.get('/dry') ?? 0).toBe(before);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(run.dir, 'artifacts'))).toBe(false);
  });

  it('--dry-run exits 3 with no URLs under --fail-on-skipped, as the run itself would', async () => {
    const run = await runGate(['--dry-run', '--fail-on-skipped']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('exit 3, --fail-on-skipped');
    expect(existsSync(join(run.dir, 'artifacts'))).toBe(false);
  });

  it('--dry-run exits 2 when the rollback program does not exist', async () => {
    const run = await runGate([
      '--dry-run',
      '--url',
      healthy.url('/'),
      '--rollback-command',
      '/nonexistent/rollback.sh --now',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"/nonexistent/rollback.sh" was not found');
  });

  it('prints the evidence JSON on stdout with --json', async () => {
    const run = await runGate(['--url', healthy.url('/health'), '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'passed', targets: [{ ok: true }] });
  });

  it('describes every option in --help', async () => {
    const run = await runGate(['--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '--url',
      '--rollback-command',
      '--expect-version',
      '--timeout-ms',
      '--retries',
      '--concurrency',
      '--fail-on-skipped',
      '--evidence-dir',
      '--dry-run',
      '--config',
      '--json',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});
