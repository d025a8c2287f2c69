// `rollgate evidence verify` over what the CLI itself left locally: a monitor's chain from `rollgate monitor` and a
// service's from `rollgate gate --state-dir`, intact; then a record edited and one removed, which verify names, the
// first bad one first; nothing to verify without a chain; bad flags.
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnRollgate } from '../../../reliability/spawn-rollgate.ts';
import {
  healthyService,
  type LoopbackServer,
  sendJson,
  startLoopbackServer,
} from '../../../support/loopback-server.ts';

const directories: string[] = [];
const servers: LoopbackServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-verify-'));
  directories.push(directory);
  return directory;
}

const run = (dir: string, args: readonly string[]) => spawnRollgate(args, { cwd: dir });

/** Every record file under `folder` (not latest.json), oldest first: the keys sort by time. */
function recordsUnder(folder: string): string[] {
  return (readdirSync(folder, { recursive: true }) as string[])
    .filter((path) => /\d{8}T\d{9}Z.*\.json$/.test(path))
    .sort()
    .map((path) => join(folder, path));
}

/** Monitor web, down and watched four times: four chained records under artifacts/checks/web/. */
async function monitoredFourTimes(): Promise<{ dir: string; records: string[] }> {
  const dir = workDirectory();
  const server = await startLoopbackServer((_request, response) => sendJson(response, 503, { status: 'down' }));
  servers.push(server);
  writeFileSync(
    join(dir, 'rollgate.config.json'),
    JSON.stringify({ monitors: [{ name: 'web', urls: [server.url('/')], retries: 0, failureThreshold: 2 }] }),
  );
  for (let round = 0; round < 4; round += 1) await run(dir, ['monitor', '--once']);
  return { dir, records: recordsUnder(join(dir, 'artifacts/checks/web')) };
}

describe('rollgate evidence verify over local evidence', () => {
  it("finds a monitor's chain intact, from the head back to its first record", async () => {
    const { dir, records } = await monitoredFourTimes();
    expect(records).toHaveLength(4);

    const verified = await run(dir, ['evidence', 'verify', '--monitor', 'web']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toBe(
      [
        'Chain checks/web: intact',
        '  4 records reached, from sequence 4 (the head) back to 1, each hashing to what the record after it says',
        `  head: sequence 4, ${records[3]} (in .rollgate/state)`,
        '',
      ].join('\n'),
    );
  });

  it('names an edited record and a removed one, the first bad record first, and exits 1', async () => {
    const { dir, records } = await monitoredFourTimes();
    const edited = readFileSync(records[0]!, 'utf8').replace('"status": "failed"', '"status": "passed"');
    writeFileSync(records[0]!, edited);
    unlinkSync(records[2]!);

    const broken = await run(dir, ['evidence', 'verify', '--monitor', 'web']);
    expect(broken.code, broken.stdout).toBe(1);
    expect(broken.stdout).toContain('Chain checks/web: BROKEN, 2 problems\n');
    expect(broken.stdout).toContain(`  first bad record: sequence 1 ${records[0]}: edited\n`);
    expect(broken.stdout).toMatch(/ {2}sequence 3 {3}missing {10}\S+\n +sequence 4 names it as its predecessor/);
    // The record before the gap is reached, but what held its hash is gone.
    expect(broken.stdout).toContain(
      `  note: sequence 2 (${records[1]}) could not be checked: the record after it is missing\n`,
    );

    const json = JSON.parse((await run(dir, ['evidence', 'verify', '--monitor', 'web', '--json'])).stdout);
    expect(json).toMatchObject({ chain: 'checks/web', intact: false, head: { sequence: 4 } });
    expect(json.problems).toEqual([
      expect.objectContaining({ kind: 'edited', sequence: 1, uri: records[0] }),
      expect.objectContaining({ kind: 'missing', sequence: 3, uri: records[2] }),
    ]);
    expect(json.first_bad).toEqual(json.problems[0]);
  });

  it("follows a service's chain through the gate's own record files, a rollback record included", async () => {
    const dir = workDirectory();
    const server = await startLoopbackServer(healthyService('1.4.1'));
    servers.push(server);
    const gate = (version: string) =>
      run(dir, [
        ...['gate', '--url', server.url('/health'), '--expect-version', version, '--retries', '0'],
        ...['--state-dir', '.rollgate/state', '--service', 'checkout', '--environment', 'prod'],
        ...['--rollback-command', 'true'],
      ]);
    expect((await gate('1.4.1')).code).toBe(0);
    expect((await gate('1.4.2')).code).toBe(1);

    const records = recordsUnder(join(dir, 'artifacts/rollout/deploys/checkout/prod'));
    expect(records.map((path) => path.replace(/^.*\d{8}T\d{9}Z/, ''))).toEqual(['.json', '.json', '.rollback.json']);
    const verified = await run(dir, ['evidence', 'verify', '--service', 'checkout', '--environment', 'prod']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('3 records reached, from sequence 3 (the head) back to 1');
  });

  it('says there is nothing to verify, and exits 1, where no run kept a chain', async () => {
    const dir = workDirectory();
    const none = await run(dir, [
      'evidence',
      'verify',
      '--service',
      'checkout',
      '--environment',
      'prod',
      '--evidence-dir',
      '.',
    ]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('Chain deploys/checkout/prod: nothing to verify');
  });

  it.each([
    [[], '--service: give --service with --environment, or --monitor'],
    [['--monitor', 'web', '--service', 'x'], '--monitor: give --monitor, or --service with --environment, not both'],
    [['--service', 'checkout'], '--environment: is required with --service'],
    [['--monitor', '../etc'], '--monitor: must be 1-64 letters'],
    [['--monitor', 'web', '--since', 'yesterday'], '--since: must be a span back from now'],
    [
      ['--monitor', 'web', '--bucket', 'b', '--evidence-dir', 'd'],
      '--evidence-dir: give either --bucket or --evidence-dir',
    ],
    [['--monitor', 'web', '--key', 'k'], '--key: is not a rollgate evidence verify option'],
  ])('refuses %j with exit 2 and one line naming the flag', async (args, says) => {
    const refused = await run(workDirectory(), ['evidence', 'verify', ...args]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`rollgate: ${says}`);
  });
});
