// The directory store keeps the StateStore contract, and holds under real concurrency: child processes racing on one
// directory (exactly one write wins per revision, no read ever sees a torn pair), a stale lock left by a dead process
// or hung past its bound taken over, a live one waited for, and a write that died half-way completed by the next call.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateFileName } from '../../../../lambda/adapters/local/fs-state-store-file-name.ts';
import { LOCK_FILE } from '../../../../lambda/adapters/local/fs-state-store-lock.ts';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import { StateUnavailableError } from '../../../../lambda/core/state/state-errors.ts';
import { monitorStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { describeStateStoreContract, monitorState, type PlantedRecord, START } from '../state-store-contract.ts';

const RACER = fileURLToPath(new URL('./fs-state-store-racer.ts', import.meta.url));
const RACERS = 4;
const TARGET_REVISION = 24;
const CHILD_TIMEOUT_MS = 60_000;

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rollgate-state-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Writes an item file as another writer, or a damaged disk, would have left it. */
async function plantFile(dir: string, { key, document, revision, expiresAt }: PlantedRecord): Promise<void> {
  const expiry = expiresAt === undefined ? '' : `"expiresAt": ${expiresAt}, `;
  await writeFile(
    join(dir, stateFileName(key)),
    `{"key": ${JSON.stringify(key)}, "revision": ${revision}, ${expiry}"item": ${document}}`,
  );
}

describeStateStoreContract('FsStateStore', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'rollgate-state-contract-'));
  const open = () => new FsStateStore({ directory: dir, clock });
  return { store: open(), reopen: open, plant: (record) => plantFile(dir, record) };
});

/** Runs a child to completion (bounded) and returns its exit code and output. */
async function runChild(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Waits (bounded) until `count` files in the test directory match, i.e. every racer has loaded and is waiting. */
async function waitForFiles(count: number, matches: (name: string) => boolean): Promise<void> {
  const deadline = Date.now() + CHILD_TIMEOUT_MS;
  while ((await readdir(directory)).filter(matches).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} racers became ready`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The pid of a process that has exited: a lock naming it belongs to nobody. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

async function writeLockFile(dir: string, holder: { pid: number; host: string; acquiredAt: Date }): Promise<void> {
  const content = { ...holder, token: 'planted', acquiredAt: holder.acquiredAt.toISOString() };
  await writeFile(join(dir, LOCK_FILE), JSON.stringify(content));
}

describe('FsStateStore across processes', () => {
  it('lets exactly one of several racing processes win each revision, and no read sees a torn pair', async () => {
    // The race starts behind a lock left by a dead process, so the racers also race to take it over.
    const stateDirectory = join(directory, 'state');
    await mkdir(stateDirectory);
    await writeLockFile(stateDirectory, { pid: await deadPid(), host: hostname(), acquiredAt: new Date() });
    const startFile = join(directory, 'start');
    const children = Array.from({ length: RACERS }, (_, racer) =>
      runChild([RACER, stateDirectory, String(racer), String(TARGET_REVISION), startFile]),
    );
    await waitForFiles(RACERS, (name) => name.startsWith('start.ready-'));
    await writeFile(startFile, '');

    const results = await Promise.all(children);

    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    const reports = results.map(
      (result) => JSON.parse(result.stdout) as { wonAt: number[]; lost: number; disagreements: string[] },
    );
    const wins = reports.flatMap((report) => report.wonAt).sort((a, b) => a - b);
    expect(wins).toEqual(Array.from({ length: TARGET_REVISION }, (_, revision) => revision));
    expect(reports.flatMap((report) => report.disagreements)).toEqual([]);
    // The writers did collide: every lost write is a conflict the store detected rather than an overwrite.
    expect(reports.reduce((sum, report) => sum + report.lost, 0)).toBeGreaterThan(0);
    const store = new FsStateStore({ directory: stateDirectory });
    const final = await store.read([monitorStateKey('race-a'), monitorStateKey('race-b')]);
    expect(final.live.map((entry) => entry.item.revision)).toEqual([TARGET_REVISION, TARGET_REVISION]);
    expect(await readdir(stateDirectory)).toEqual(['monitor%23race-a.json', 'monitor%23race-b.json']);
  });
});

describe('FsStateStore directory lock', () => {
  const key = monitorStateKey('checkout');

  it('takes over a lock whose process has died', async () => {
    await writeLockFile(directory, { pid: await deadPid(), host: hostname(), acquiredAt: new Date() });
    const store = new FsStateStore({ directory, lockTimeoutMs: 5_000 });

    await store.write([putState(key, monitorState(), undefined)]);

    expect((await store.read([key])).revisionOf(key)).toBe(1);
  });

  it('takes over a lock held past the stale bound by a process that still runs', async () => {
    await writeLockFile(directory, { pid: process.pid, host: hostname(), acquiredAt: new Date(Date.now() - 60_000) });
    const store = new FsStateStore({ directory, staleLockMs: 30_000, lockTimeoutMs: 5_000 });

    await store.write([putState(key, monitorState(), undefined)]);

    expect((await store.read([key])).revisionOf(key)).toBe(1);
  });

  it.each([
    ['a live process on this host', hostname()],
    ['a process on another host', 'build-agent-7'],
  ])(
    'waits for a fresh lock held by %s, then gives up with StateUnavailableError naming the holder',
    async (_name, host) => {
      await writeLockFile(directory, { pid: process.pid, host, acquiredAt: new Date() });
      const store = new FsStateStore({ directory, lockTimeoutMs: 100 });

      const error = await store.read([key]).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StateUnavailableError);
      expect((error as Error).message).toContain(`pid ${process.pid} on ${host}`);
      expect(JSON.parse(await readFile(join(directory, LOCK_FILE), 'utf8'))).toMatchObject({ token: 'planted' });
    },
  );

  it('leaves no lock file behind after a call, even one that failed', async () => {
    const store = new FsStateStore({ directory });
    await store.write([putState(key, monitorState(), undefined)]);
    await store.write([putState(key, monitorState(), undefined)]).catch(() => undefined);

    expect(await readdir(directory)).toEqual([stateFileName(key)]);
  });
});

describe('FsStateStore files', () => {
  it('completes a multi-item write that a dead process left half-done, from its journal', async () => {
    const store = new FsStateStore({ directory });
    const first = monitorStateKey('first');
    const second = monitorStateKey('second');
    await store.write([putState(first, monitorState(), undefined), putState(second, monitorState(), undefined)]);
    // What a writer leaves when it dies after the journal and the first rename: the second rename still to do.
    const envelope = (k: string) =>
      JSON.stringify({ key: k, revision: 2, item: monitorState({ consecutiveSuccesses: 2 }) });
    await writeFile(join(directory, stateFileName(first)), envelope(first));
    await writeFile(join(directory, '.tmp-5ec0d'), envelope(second));
    await writeFile(join(directory, '.tmp-0rphan'), 'never renamed');
    const journal = {
      operations: [
        { op: 'rename', from: '.tmp-f1a57', to: stateFileName(first) },
        { op: 'rename', from: '.tmp-5ec0d', to: stateFileName(second) },
      ],
    };
    await writeFile(join(directory, '.journal.json'), JSON.stringify(journal));

    const found = await new FsStateStore({ directory }).read([first, second]);

    expect([found.revisionOf(first), found.revisionOf(second)]).toEqual([2, 2]);
    expect((await readdir(directory)).sort()).toEqual([stateFileName(first), stateFileName(second)].sort());
  });

  it.each([
    ['not JSON', '{"operations": ['],
    [
      'a rename from outside the directory',
      '{"operations": [{"op": "rename", "from": "../x", "to": "monitor%23x.json"}]}',
    ],
    ['a rename onto the parent directory', '{"operations": [{"op": "rename", "from": ".tmp-1", "to": ".."}]}'],
    ['a removal of something not an item', '{"operations": [{"op": "remove", "path": ".lock"}]}'],
    ['an unknown operation', '{"operations": [{"op": "chmod", "path": "monitor%23x.json"}]}'],
  ])('refuses a journal holding %s rather than guessing, naming it', async (_name, journal) => {
    await writeFile(join(directory, '.journal.json'), journal);

    const error = await new FsStateStore({ directory }).read([monitorStateKey('x')]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toContain('.journal.json is damaged');
  });

  it('keeps an expired item, and its revision, until the retention has passed, then removes its file', async () => {
    const clock = new ManualClock(START);
    const store = new FsStateStore({ directory, clock, expiredRetentionMs: 60_000 });
    const key = monitorStateKey('checkout');
    await store.write([putState(key, monitorState(), undefined, { expiresAt: new Date(START.getTime() + 1_000) })]);

    clock.advance(60_000);
    const kept = await store.read([key]);
    clock.advance(1_000);
    const gone = await store.list('monitor');

    expect(kept.revisionOf(key)).toBe(1);
    expect(gone.entries).toEqual([]);
    expect(await readdir(directory)).toEqual([]);
  });

  it('reports a file that holds another key as invalid', async () => {
    const key = monitorStateKey('checkout');
    await writeFile(
      join(directory, stateFileName(key)),
      JSON.stringify({ key: 'monitor#payments', revision: 1, item: monitorState() }),
    );

    const found = await new FsStateStore({ directory }).read([key]);

    expect(found.invalid).toEqual([expect.objectContaining({ key, problem: expect.stringContaining('another key') })]);
  });

  it('reports an oversized file as invalid without reading it whole', async () => {
    const key = monitorStateKey('checkout');
    await writeFile(join(directory, stateFileName(key)), 'x'.repeat(2 * 1024 * 1024));

    const found = await new FsStateStore({ directory }).list('monitor');

    expect(found.invalid).toEqual([expect.objectContaining({ key, problem: expect.stringContaining('bytes') })]);
  });

  it('fails with StateUnavailableError, with the cause, when the directory cannot be made', async () => {
    await writeFile(join(directory, 'file'), '');

    const error = await new FsStateStore({ directory: join(directory, 'file', 'state') })
      .read([monitorStateKey('x')])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as StateUnavailableError).errorName).toBe('Error');
    expect((error as Error).cause).toMatchObject({ code: 'ENOTDIR' });
  });
});
