// `rollgate monitor` as real child processes: the README's walkthrough (the demo's flapping service watched every
// second shows exactly one MonitorDown and one MonitorRecovered), evidence files and state files, exit codes, the
// rollback with the gate's environment, --json, a pause, a signal that lets the run in progress finish, bad flags.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { monitorStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { fixedService, sendJson, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;
/** A child may take this long: twelve one-second rounds, under a loaded full run. */
const CHILD_TIMEOUT_MS = 90_000;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const directories: string[] = [];
const servers: LoopbackServer[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-monitor-cli-'));
  directories.push(directory);
  return directory;
}

function childEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Runs `rollgate …` to its end in `dir`. */
function rollgate(dir: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: dir, env: childEnv(dir), timeout: CHILD_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `rollgate …` in `dir` and collects its output until it exits (or the test ends and kills it). */
function startRollgate(dir: string, args: readonly string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: childEnv(dir) });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    stdout: () => stdout,
    /** Resolves once stdout matches, or rejects when the child exits first or the bound passes. */
    async waitForOutput(pattern: RegExp, boundMs = CHILD_TIMEOUT_MS): Promise<RegExpMatchArray> {
      const deadline = Date.now() + boundMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(stdout);
        if (match !== null) return match;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} first: ${stdout}${stderr}`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 50));
      }
      throw new Error(`no ${pattern} within ${boundMs} ms: ${stdout}${stderr}`);
    },
    async exit(): Promise<CliRun> {
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

function writeConfig(dir: string, config: unknown): void {
  writeFileSync(join(dir, 'rollgate.config.json'), JSON.stringify(config));
}

function alertLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('ALERT '));
}

/** Every run record of `monitor` under artifacts/checks/<monitor>/YYYY/MM/DD/, oldest first. */
function runRecords(dir: string, monitor: string): string[] {
  const root = join(dir, 'artifacts/checks', monitor);
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(path, entry.name));
      else if (/^\d{8}T\d{9}Z\.json$/.test(entry.name)) files.push(join(path, entry.name));
    }
  };
  for (const year of readdirSync(root).filter((name) => /^\d{4}$/.test(name))) walk(join(root, year));
  return files.sort();
}

function readJson<T = EvidenceDocument>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

async function serve(handler: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler);
  servers.push(server);
  return server;
}

describe('rollgate monitor', () => {
  it(
    "watches the demo's flapping service every second: exactly one MonitorDown and one MonitorRecovered",
    async () => {
      const dir = workDirectory();
      const service = startRollgate(dir, ['demo', 'flapping-service', '--port', '0']);
      const [, url] = await service.waitForOutput(/^Flapping service on (\S+)$/m);
      writeConfig(dir, { monitors: [{ name: 'flapping', urls: [url], retries: 0 }] });

      const run = await rollgate(dir, ['monitor', '--every', '1s', '--runs', '12']);
      service.child.kill('SIGTERM');
      const served = await service.exit();

      expect(run.code, run.stderr).toBe(0);
      expect(alertLines(run.stderr)).toEqual([
        'ALERT MonitorDown (critical): [Rollgate] DOWN check flapping: 1/1 probes failing, no rollback',
        expect.stringMatching(
          /^ALERT MonitorRecovered \(info\): \[Rollgate\] RECOVERED check flapping after \d+s down$/,
        ),
      ]);
      // One line and one record per run; latest.json is the last run's.
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(12);
      expect(lines[6]).toMatch(
        /flapping: FAILED \(probe_failures\), 0\/1 healthy; monitor down \(3 failing in a row, was up\)/,
      );
      const records = runRecords(dir, 'flapping');
      expect(records).toHaveLength(12);
      expect(readJson(join(dir, 'artifacts/checks/flapping/latest.json'))).toEqual(readJson(records[11]!));
      expect(readJson(records[6]!)).toMatchObject({
        kind: 'check',
        status: 'failed',
        state: { monitor: { state: 'down', consecutive_failures: 3, transition: { from: 'up', to: 'down' } } },
        alerts: [{ type: 'MonitorDown' }],
      });
      const stored = await new FsStateStore({ directory: join(dir, '.rollgate/state') }).read([
        monitorStateKey('flapping'),
      ]);
      expect(stored.get(monitorStateKey('flapping'))?.value).toMatchObject({
        state: 'up',
        consecutiveSuccesses: 4,
        lastTransition: { from: 'down', to: 'up' },
      });
      expect(served.code).toBe(0);
      expect(served.stdout).toContain('Stopped after 12 request(s).');
    },
    CHILD_TIMEOUT_MS,
  );

  it.each([
    { name: 'a healthy monitor', status: 200, threshold: 3, code: 0 },
    { name: 'a failing monitor not yet down (1 of 3 failing runs)', status: 503, threshold: 3, code: 0 },
    { name: 'a monitor that goes down', status: 503, threshold: 1, code: 1 },
  ])('exits $code with --once for $name', async ({ status, threshold, code }) => {
    const dir = workDirectory();
    const server = await serve(fixedService(status, { status: 'x' }));
    writeConfig(dir, {
      monitors: [{ name: 'web', urls: [server.url('/health')], retries: 0, failureThreshold: threshold }],
    });

    const run = await rollgate(dir, ['monitor', '--once']);

    expect(run.code, run.stderr).toBe(code);
    expect(runRecords(dir, 'web')).toHaveLength(1);
  });

  it(
    "rolls a monitor's service back to its known-good version with the gate's environment, once, on going down",
    async () => {
      const dir = workDirectory();
      const behaviour = { status: 200, version: '1.4.1' };
      const server = await serve((_request, response) =>
        sendJson(response, behaviour.status, { version: behaviour.version }),
      );
      const rollback =
        'printf "%s %s %s %s %s\\n" "$ROLLGATE_TARGET_VERSION" "$ROLLGATE_TARGET_SOURCE" "$ROLLGATE_SERVICE" ' +
        '"$ROLLGATE_ENVIRONMENT" "$ROLLGATE_MONITOR" >> rolled-back.txt';
      writeConfig(dir, {
        services: [
          {
            service: 'checkout',
            environment: 'prod',
            targets: [{ url: server.url('/health') }],
            probe: { retries: 0 },
            rollback: { command: rollback },
          },
        ],
        monitors: [{ name: 'checkout-prod', service: 'checkout', environment: 'prod', rollbackOnFailure: true }],
      });
      // Two deploys passed the gate, which recorded them in the same state directory: 1.4.2 runs now.
      const scope = ['--config', 'rollgate.config.json', '--service', 'checkout', '--environment', 'prod'];
      for (const version of ['1.4.1', '1.4.2']) {
        behaviour.version = version;
        const gate = await rollgate(dir, [
          'gate',
          ...scope,
          '--expect-version',
          version,
          '--state-dir',
          '.rollgate/state',
        ]);
        expect(gate.code, gate.stderr).toBe(0);
      }

      behaviour.status = 503;
      const codes: Array<number | null> = [];
      const alerts: string[] = [];
      for (let round = 0; round < 4; round += 1) {
        const run = await rollgate(dir, ['monitor', '--once']);
        codes.push(run.code);
        alerts.push(...alertLines(run.stderr).map((line) => line.split(':')[0]!));
      }

      expect(codes).toEqual([0, 0, 1, 1]);
      expect(alerts).toEqual(['ALERT MonitorDown (critical)', 'ALERT RollbackSucceeded (warning)']);
      expect(readFileSync(join(dir, 'rolled-back.txt'), 'utf8')).toBe('1.4.1 known_good checkout prod checkout-prod\n');
    },
    CHILD_TIMEOUT_MS,
  );

  it('prints each run as one evidence document a line with --json, the same as its record', async () => {
    const dir = workDirectory();
    const server = await serve(fixedService(200, { version: '2.0.0' }));
    writeConfig(dir, {
      monitors: [
        { name: 'api', urls: [server.url('/health')], retries: 0 },
        { name: 'web', urls: [server.url('/')], retries: 0 },
      ],
    });

    const run = await rollgate(dir, ['monitor', '--once', '--json', '--monitor', 'web']);

    expect(run.code, run.stderr).toBe(0);
    const documents = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EvidenceDocument);
    expect(documents.map((document) => document.context.monitor)).toEqual(['web']);
    expect(documents[0]).toEqual(readJson(runRecords(dir, 'web')[0]!));
    expect(existsSync(join(dir, 'artifacts/checks/api'))).toBe(false);
  });

  it('neither alerts nor counts while rollgate pause holds the service', async () => {
    const dir = workDirectory();
    const server = await serve(fixedService(503, { status: 'down' }));
    writeConfig(dir, {
      monitors: [
        {
          name: 'web',
          urls: [server.url('/health')],
          retries: 0,
          service: 'web',
          environment: 'prod',
          failureThreshold: 1,
        },
      ],
    });
    const paused = await rollgate(dir, [
      'pause',
      '--service',
      'web',
      '--environment',
      'prod',
      '--for',
      '1h',
      '--reason',
      'maintenance',
    ]);
    expect(paused.code, paused.stderr).toBe(0);

    const run = await rollgate(dir, ['monitor', '--once']);

    expect(run.code, run.stderr).toBe(0);
    expect(alertLines(run.stderr)).toEqual([]);
    expect(run.stdout).toContain('monitor unknown (0 healthy in a row, paused until');
  });

  it(
    'finishes the run in progress on SIGTERM and exits 0, leaving no half-written round',
    async () => {
      const dir = workDirectory();
      const server = await serve(fixedService(200, { status: 'ok' }));
      writeConfig(dir, { monitors: [{ name: 'web', urls: [server.url('/health')], retries: 0 }] });
      const monitor = startRollgate(dir, ['monitor', '--every', '1s']);
      await monitor.waitForOutput(/web: PASSED[^\n]*\n[^\n]*web: PASSED[^\n]*\n/);

      monitor.child.kill('SIGTERM');
      const run = await monitor.exit();

      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(runRecords(dir, 'web')).toHaveLength(lines.length);
    },
    CHILD_TIMEOUT_MS,
  );

  it.each([
    {
      args: ['--monitor', 'nope'],
      says: '--monitor: is not a monitor of rollgate.config.json (it has web) (got "nope")',
    },
    { args: ['--every', '0s'], says: '--every: must be from 1s to 24h (got "0s")' },
    { args: ['--once', '--every', '5s'], says: '--every: and --once contradict each other; give one (got "5s")' },
    { args: ['--runs', '3'], says: '--runs: counts rounds of --every; with --once there is one (got "3")' },
  ])('refuses $args with exit 2, naming the flag', async ({ args, says }) => {
    const dir = workDirectory();
    writeConfig(dir, { monitors: [{ name: 'web', urls: ['http://127.0.0.1:9/health'] }] });

    const run = await rollgate(dir, ['monitor', ...args]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rollgate: ${says}\n`);
  });

  it('refuses a monitor that rolls back on failure with no command to run, naming the field', async () => {
    const dir = workDirectory();
    writeConfig(dir, {
      monitors: [
        { name: 'web', urls: ['http://127.0.0.1:9/'], service: 'web', environment: 'prod', rollbackOnFailure: true },
      ],
    });

    const run = await rollgate(dir, ['monitor']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rollgate.config.json: monitors[0].rollbackOnFailure: needs a rollback command');
  });
});
