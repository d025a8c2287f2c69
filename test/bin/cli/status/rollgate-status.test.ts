// `rollgate status` over a local state directory that the CLI itself filled (monitors run by `rollgate monitor`, a
// service gated by `rollgate gate --state-dir`, a pause by `rollgate pause`): one row each, worst first, exit 1 while
// anything is down and 0 once nothing is; colour only on a terminal without NO_COLOR; --watch redraws; bad flags.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StopSignal } from '../../../../bin/cli/stop-signal.ts';
import { runStatusCommand } from '../../../../bin/cli/status/status-command.ts';
import { spawnRollgate } from '../../../reliability/spawn-rollgate.ts';
import {
  healthyService,
  type LoopbackServer,
  sendJson,
  startLoopbackServer,
} from '../../../support/loopback-server.ts';
import { capturedIo } from '../../captured-io.ts';

const directories: string[] = [];
const servers: LoopbackServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-status-'));
  directories.push(directory);
  return directory;
}

async function serve(route: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const server = await startLoopbackServer(route);
  servers.push(server);
  return server;
}

const run = (dir: string, args: readonly string[]) => spawnRollgate(args, { cwd: dir });

/** The NAME column of each row, in order. */
function namesOf(table: string): string[] {
  const [, header, ...rows] = table.trimEnd().split('\n');
  const at = header!.indexOf('NAME');
  return rows.map((row) => row.slice(at).split(/\s{2,}/)[0]!);
}

/** A state directory with a monitor down, one unknown (one healthy run of two), a service gated up, one paused. */
async function watchedWorld(): Promise<{ dir: string; web: { ok: boolean } }> {
  const dir = workDirectory();
  const api = await serve(healthyService('2.0.0'));
  const web = { ok: false };
  const webServer = await serve((_request, response) =>
    sendJson(response, web.ok ? 200 : 503, { status: web.ok ? 'ok' : 'down' }),
  );
  writeFileSync(
    join(dir, 'rollgate.config.json'),
    JSON.stringify({
      monitors: [
        { name: 'api', urls: [api.url('/health')], retries: 0 },
        { name: 'web', urls: [webServer.url('/')], retries: 0, failureThreshold: 1, successThreshold: 1 },
      ],
    }),
  );
  expect((await run(dir, ['monitor', '--once'])).code).toBe(1);
  const gate = await run(dir, [
    'gate',
    '--url',
    api.url('/health'),
    '--expect-version',
    '2.0.0',
    '--retries',
    '0',
    '--state-dir',
    '.rollgate/state',
    '--service',
    'checkout',
    '--environment',
    'prod',
  ]);
  expect(gate.code, gate.stderr).toBe(0);
  const pause = ['pause', '--service', 'ledger', '--environment', 'prod', '--for', '1h', '--reason', 'migration'];
  expect((await run(dir, pause)).code).toBe(0);
  return { dir, web };
}

const stillRunning = (): StopSignal => ({
  stopped: false,
  abort: new AbortController().signal,
  wait: async () => undefined,
  dispose: () => undefined,
});

describe('rollgate status over a state directory', () => {
  it('lists every service and monitor worst first, and exits 1 while one is down, 0 once none is', async () => {
    const { dir, web } = await watchedWorld();

    const down = await run(dir, ['status']);
    expect(down.code, down.stderr).toBe(1);
    expect(down.stdout).toMatch(/^rollgate status at \S+ \(\.rollgate\/state\): 4 watched, 1 down\n/);
    expect(down.stdout.split('\n')[1]).toMatch(
      /^STATE\s+KIND\s+NAME\s+SINCE\s+LAST VERDICT\s+DEPLOYED\s+KNOWN-GOOD\s+UNDER WAY\s+LAST ALERT$/,
    );
    expect(namesOf(down.stdout)).toEqual(['web', 'api', 'ledger/prod', 'checkout/prod']);
    expect(down.stdout).toMatch(/^unknown\s+monitor\s+api\s+(?:\S+ ago|just now)\s+passed (?:\S+ ago|just now)\s/m);
    expect(down.stdout).toMatch(
      /^down\s+monitor\s+web\s+(?:\S+ ago|just now)\s+failed (?:\S+ ago|just now)\s+-\s+-\s+-\s+(?:\S+ ago|just now)$/m,
    );
    expect(down.stdout).toMatch(/^paused \(unknown\)\s+service\s+ledger\/prod\s.*paused until \S+: migration/m);
    expect(down.stdout).toMatch(
      /^up\s+service\s+checkout\/prod\s+(?:\S+ ago|just now)\s+passed (?:\S+ ago|just now)\s+2\.0\.0\s+2\.0\.0\s+-/m,
    );
    // Not a terminal: no colour codes.
    expect(down.stdout).not.toContain('\x1b[');

    web.ok = true;
    expect((await run(dir, ['monitor', '--once'])).code).toBe(0);
    const up = await run(dir, ['status']);
    expect(up.code, up.stdout).toBe(0);
    const [first, ...rest] = namesOf(up.stdout);
    expect(first).toBe('ledger/prod');
    expect(rest.sort()).toEqual(['api', 'checkout/prod', 'web']);
    expect(up.stdout).toMatch(/: 4 watched, 0 down\n/);
  });

  it('prints the rows as JSON for scripts, with exact times and the last verdict', async () => {
    const { dir } = await watchedWorld();
    const json = await run(dir, ['status', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ store: '.rollgate/state', down: 1, invalid: [] });
    expect(report.rows[0]).toMatchObject({
      kind: 'monitor',
      name: 'web',
      state: 'down',
      health: 'down',
      since: expect.stringMatching(/Z$/),
      last_verdict: {
        status: 'failed',
        status_reason: 'probe_failures',
        evidence: expect.stringContaining('checks/web/'),
      },
      last_alert_at: expect.stringMatching(/Z$/),
    });
    expect(report.rows[1]).toMatchObject({ name: 'api', state: 'unknown' });
    expect(report.rows[2]).toMatchObject({ name: 'ledger/prod', state: 'paused', pause: { reason: 'migration' } });
    expect(report.rows[3]).toMatchObject({ name: 'checkout/prod', deployed: '2.0.0', known_good: '2.0.0' });
  });

  it('colours the state on a terminal, and not with NO_COLOR', async () => {
    const { dir } = await watchedWorld();
    const terminal = capturedIo(dir);
    Object.assign(terminal.stdout, { isTTY: true });
    expect(await runStatusCommand([], terminal)).toBe(1);
    expect(terminal.stdoutText()).toContain('\x1b[1;31mdown');

    const noColor = capturedIo(dir, { NO_COLOR: '1' });
    Object.assign(noColor.stdout, { isTTY: true });
    await runStatusCommand([], noColor);
    expect(noColor.stdoutText()).not.toContain('\x1b[');
  });

  it('redraws every --watch span, clearing the screen on a terminal, for --runs refreshes', async () => {
    const { dir } = await watchedWorld();
    const log = capturedIo(dir);
    expect(await runStatusCommand(['--watch', '--runs', '2'], log, stillRunning)).toBe(1);
    expect(log.stdoutText().match(/^rollgate status at /gm)).toHaveLength(2);

    const terminal = capturedIo(dir);
    Object.assign(terminal.stdout, { isTTY: true });
    await runStatusCommand(['--watch', '1s', '--runs', '3'], terminal, stillRunning);
    expect(terminal.stdoutText().split('\x1b[H\x1b[2J')).toHaveLength(4);
  });

  it('ends a watch when a stop comes, with the last refresh’s exit code', async () => {
    const { dir } = await watchedWorld();
    let waits = 0;
    const stopAfterOne: StopSignal = {
      get stopped() {
        return waits > 0;
      },
      abort: new AbortController().signal,
      wait: async () => {
        waits += 1;
      },
      dispose: () => undefined,
    };
    const io = capturedIo(dir);
    expect(await runStatusCommand(['--watch', '5s'], io, () => stopAfterOne)).toBe(1);
    expect(io.stdoutText().match(/^rollgate status at /gm)).toHaveLength(1);
  });

  it('says there is nothing yet in an empty state directory, and exits 0', async () => {
    const dir = workDirectory();
    const empty = await run(dir, ['status']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('Nothing recorded yet');
  });

  it.each([
    [['--watch', '0s'], '--watch: must be a span from 1s to 60m'],
    [['--watch', '--json'], '--watch: refreshes a table for people'],
    [['--runs', '2'], '--runs: counts the refreshes of --watch'],
    [['--table', 'rollgate-state', '--state-dir', 'x'], '--table: and --state-dir name two stores'],
    [['--table', 'a'], '--table: must be a DynamoDB table name'],
    [['--bucket', 'b'], '--bucket: is not a rollgate status option'],
  ])('refuses %j with exit 2 and one line naming the flag', async (args, says) => {
    const dir = workDirectory();
    const refused = await run(dir, ['status', ...args]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`rollgate: ${says}`);
  });
});
