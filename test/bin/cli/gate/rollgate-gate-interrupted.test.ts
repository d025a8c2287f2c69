// `rollgate gate` stopped by a signal, as a real child process: a cancelled CI job sends SIGINT and then SIGTERM, and
// Ctrl-C is SIGINT. Before the verdict the probes end at once and the run is recorded as failed / interrupted (the CI
// contract's files say so, rather than nothing or the previous run's verdict), exiting 128 + the signal's number.
// Past the verdict, the rollback it decided runs to its end and is recorded. With --window, a window stopped before
// its verdict is recorded with the rounds it ran (a round in flight cut short and not counted), and the deploy is no
// longer under way in the state directory.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

let dir: string;
/** Takes every request and never answers it. */
let hanging: LoopbackServer;
let requestsSeen = 0;
let broken: LoopbackServer;
let healthy: LoopbackServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-interrupted-'));
  hanging = await startLoopbackServer(() => {
    requestsSeen += 1;
  });
  broken = await startLoopbackServer((_request, response) => sendJson(response, 503, { status: 'down' }));
  healthy = await startLoopbackServer((_request, response) =>
    sendJson(response, 200, { status: 'ok', version: '2.0.0' }),
  );
});

afterAll(async () => {
  await Promise.all([hanging.close(), broken.close(), healthy.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Interrupted {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI, sends `signal` once `ready(stdout)` holds (checked every 50 ms, at most 20 s), and waits for its exit. */
function interruptWhen(
  args: readonly string[],
  env: Record<string, string>,
  ready: (stdout: string) => boolean,
  signal: NodeJS.Signals,
): Promise<Interrupted> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Interrupted>((done) =>
    child.on('close', (code, closedBy) => done({ code, signal: closedBy, stdout, stderr })),
  );
  let checks = 0;
  const poll = setInterval(() => {
    checks += 1;
    if (ready(stdout) || checks > 400) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 50);
  return exited.finally(() => clearInterval(poll));
}

function evidence(evidenceDir: string) {
  return JSON.parse(readFileSync(join(dir, evidenceDir, 'health-gate.json'), 'utf8'));
}

describe('rollgate gate interrupted', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'records a run stopped by %s before its verdict as failed / interrupted and exits %i',
    async (signal, exitCode) => {
      const evidenceDir = `artifacts-${signal}`;
      const before = requestsSeen;
      const run = await interruptWhen(
        [
          'gate',
          '--url',
          hanging.url('/health'),
          '--timeout-ms',
          '60000',
          '--retries',
          '2',
          '--evidence-dir',
          evidenceDir,
        ],
        { RUNTIME_ROLLBACK_COMMAND: 'touch rolled-back' },
        () => requestsSeen > before,
        signal,
      );

      expect(run.signal, run.stderr).toBeNull();
      expect(run.code, run.stderr).toBe(exitCode);
      expect(run.stderr).toContain(`rollgate: ${signal}: stopping`);
      expect(run.stdout).toContain('Rollgate gate FAILED (interrupted)');
      const record = evidence(evidenceDir);
      expect(record).toMatchObject({ status: 'failed', status_reason: 'interrupted' });
      expect(record.message).toBe(`interrupted by ${signal} before a verdict: nothing was judged, nothing rolled back`);
      expect(record.rollback).toMatchObject({ attempted: false });
      // One attempt, cut short: no retry started after the signal, and nothing rolled back.
      expect(requestsSeen - before).toBe(1);
      expect(existsSync(join(dir, 'rolled-back'))).toBe(false);
      const env = readFileSync(join(dir, evidenceDir, 'health-gate.env'), 'utf8');
      expect(env).toContain("HEALTH_GATE_STATUS='failed'");
      expect(env).toContain("HEALTH_GATE_STATUS_REASON='interrupted'");
    },
  );

  it('lets the rollback a failed verdict decided run to its end, and records it', async () => {
    const evidenceDir = 'artifacts-rollback';
    const run = await interruptWhen(
      ['gate', '--url', broken.url('/health'), '--retries', '0', '--evidence-dir', evidenceDir],
      { RUNTIME_ROLLBACK_COMMAND: 'touch rollback-started; sleep 1; touch rollback-finished' },
      () => existsSync(join(dir, 'rollback-started')),
      'SIGTERM',
    );

    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(1);
    expect(existsSync(join(dir, 'rollback-finished'))).toBe(true);
    const record = evidence(evidenceDir);
    expect(record).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    expect(record.rollback).toMatchObject({ attempted: true, ok: true, outcome: 'succeeded' });
  });

  it('records a window stopped before its verdict with the rounds it ran, the deploy no longer under way', async () => {
    const evidenceDir = 'artifacts-window';
    const gate = [
      'gate',
      '--url',
      healthy.url('/health'),
      '--expect-version',
      '2.0.0',
      '--window',
      '60s',
      '--interval',
      '1s',
      '--bake',
      '50s',
      '--evidence-dir',
      evidenceDir,
      '--state-dir',
      'state',
      '--service',
      'checkout',
      '--environment',
      'prod',
    ];
    const run = await interruptWhen(gate, {}, (stdout) => /round 2\b/.test(stdout), 'SIGINT');

    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('rollgate: SIGINT: stopping');
    const record = evidence(evidenceDir);
    expect(record).toMatchObject({ status: 'failed', status_reason: 'interrupted', decided_by: 'interrupted' });
    expect(record.message).toMatch(/^interrupted by SIGINT before a verdict: .*the window had run [2-9] round\(s\)$/);
    expect(record.window.rounds.length).toBeGreaterThanOrEqual(2);
    expect(record.rollback).toMatchObject({ attempted: false });

    const status = spawnSync(process.execPath, [CLI, 'status', '--state-dir', 'state', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const rows = JSON.parse(status.stdout).rows;
    expect(rows).toEqual([expect.objectContaining({ name: 'checkout/prod' })]);
    expect(rows[0].under_way).toBeNull();
  });

  it('cuts a window round in flight short: a hanging service does not hold the record back', async () => {
    const evidenceDir = 'artifacts-window-hanging';
    const before = requestsSeen;
    const gate = [
      'gate',
      '--url',
      hanging.url('/health'),
      '--timeout-ms',
      '60000',
      '--window',
      '5m',
      '--interval',
      '10s',
    ];
    const run = await interruptWhen(
      [...gate, '--evidence-dir', evidenceDir],
      {},
      () => requestsSeen > before,
      'SIGTERM',
    );

    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(143);
    const record = evidence(evidenceDir);
    expect(record).toMatchObject({ status: 'failed', status_reason: 'interrupted', decided_by: 'interrupted' });
    // The cut round says nothing of the service: it is not counted.
    expect(record.message).toMatch(/the window had run 0 round\(s\)$/);
    expect(record.window).toBeUndefined();
  });
});
