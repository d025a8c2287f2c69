// `rollgate gate --window` as a real child process against loopback services, with windows of seconds: the deploy
// flow in-process, a line per round, the CI contract's exit codes and evidence files, a rollback verified as
// recovered, and usage errors for window flags that cannot be used. `rollgate approve` with nothing to answer.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;
/** Small enough to run in seconds: a round a second, a pass no earlier than 2 s in. */
const WINDOW = ['--window', '10s', '--interval', '1s', '--bake', '2s', '--verify', '10s', '--retries', '0'];

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let healthy: LoopbackServer;
let healing: LoopbackServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-window-'));
  healthy = await startLoopbackServer((_request, response) =>
    sendJson(response, 200, { status: 'ok', version: '1.4.2' }),
  );
  // Down on 1.4.2 until the rollback command leaves `healed` in the run's directory, then up on 1.4.1.
  healing = await startLoopbackServer((_request, response) =>
    existsSync(join(dir, 'healed'))
      ? sendJson(response, 200, { status: 'ok', version: '1.4.1' })
      : sendJson(response, 503, { status: 'down', version: '1.4.2' }),
  );
});

afterAll(async () => {
  await Promise.all([healthy.close(), healing.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function rollgate(args: readonly string[]): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

function evidence(evidenceDir: string) {
  return JSON.parse(readFileSync(join(dir, evidenceDir, 'health-gate.json'), 'utf8'));
}

// Each run has its own evidence directory: they run side by side, mostly waiting on their rounds.
describe.concurrent('rollgate gate --window', () => {
  it('passes a healthy service once baked, printing one line per round, and exits 0', async () => {
    const run = await rollgate([
      'gate',
      '--url',
      healthy.url('/health'),
      '--expect-version',
      '1.4.2',
      ...WINDOW,
      '--evidence-dir',
      'pass',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('window round 1 at 0s: healthy (1/1)\n');
    expect(run.stdout).toContain('verdict: passed (all_probes_healthy, success_threshold)\n');
    expect(run.stdout).toContain('Rollgate gate PASSED (all_probes_healthy)');
    const record = evidence('pass');
    expect(record).toMatchObject({ status: 'passed', decided_by: 'success_threshold', stage: 'verdict' });
    expect(record.window.rounds.length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(dir, 'pass', 'health-gate.env'), 'utf8')).toContain("HEALTH_GATE_STATUS='passed'");
  });

  it('prints only the evidence with --json', async () => {
    const run = await rollgate([
      'gate',
      '--url',
      healthy.url('/health'),
      ...WINDOW,
      '--json',
      '--evidence-dir',
      'json',
    ]);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'passed', decided_by: 'success_threshold' });
  });

  it('fails a broken deploy, runs the rollback, verifies the service recovered, and exits 1', async () => {
    const run = await rollgate([
      'gate',
      '--url',
      healing.url('/health'),
      '--expect-version',
      '1.4.2',
      ...WINDOW,
      '--failure-threshold',
      '2',
      '--rollback-command',
      'touch healed',
      '--evidence-dir',
      'heal',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('rollback sent');
    expect(run.stdout).toContain('rollback: recovered');
    expect(run.stderr).toContain(
      'ALERT RollbackSucceeded: [Rollgate] ROLLBACK SUCCEEDED gate v1.4.2, verified healthy',
    );
    const record = evidence('heal');
    expect(record).toMatchObject({
      status: 'failed',
      stage: 'rollback',
      decided_by: 'failure_threshold',
      rollback: {
        outcome: 'recovered',
        command_outcome: 'succeeded',
        verification: { decided_by: 'success_threshold' },
      },
    });
    expect(readFileSync(join(dir, 'heal', 'health-gate.env'), 'utf8')).toContain(
      "HEALTH_GATE_ROLLBACK_OUTCOME='recovered'",
    );
  });

  it.each([
    [['--url', 'http://127.0.0.1:9/health', '--bake', '60s'], '--bake: needs --window'],
    [['--url', 'http://127.0.0.1:9/health', '--window', '5x'], '--window: must be a whole number of seconds'],
    [
      ['--url', 'http://127.0.0.1:9/health', '--window', '30s', '--warmup', '30s'],
      '--warmup: must be shorter than windowSeconds',
    ],
  ])('refuses %j with exit 2, naming the flag', async (args, message) => {
    const run = await rollgate(['gate', ...args, '--evidence-dir', 'usage']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('rollgate approve', () => {
  it('exits 1 when no rollback waits for approval, and 2 without --service', async () => {
    const [none, usage] = await Promise.all([
      rollgate(['approve', '--service', 'checkout', '--environment', 'prod']),
      rollgate(['reject', '--environment', 'prod']),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no rollback of checkout/prod is waiting for approval');

    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--service: is required');
  });
});
