// The directory-wide lock that makes a state directory safe for several `rollgate` processes: a `.lock` file created
// with exclusive create (`wx`), naming its pid, host and time. A lock whose process is gone (same host) or that is
// older than the stale bound is taken over, so a crashed run cannot wedge the store; only the process that holds
// `.lock.breaking` (also `wx`) may remove a stale lock, so two processes never both break one and remove a fresh one.

import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeNewFileDurably } from './fs-state-store-new-file.ts';

export const LOCK_FILE = '.lock';
export const BREAKING_FILE = '.lock.breaking';

export interface DirectoryLockOptions {
  /** A lock older than this is stale even if its process still seems to run (hung, or on another host). */
  readonly staleAfterMs: number;
  /** Give up waiting for the lock after this long. */
  readonly timeoutMs: number;
}

/** What a lock file says about its holder. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly acquiredAt: string;
}

/** A held lock; `release` removes it if it is still ours. */
export interface HeldDirectoryLock {
  /** True while the lock file on disk is still this holder's (nobody took it over as stale). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** Why acquiring failed: another process held the lock for the whole wait. */
export class DirectoryLockTimeoutError extends Error {
  public constructor(
    public readonly path: string,
    public readonly holder: string,
    waitedMs: number,
  ) {
    super(`${path} is held by ${holder}; gave up after ${waitedMs} ms`);
    this.name = 'DirectoryLockTimeoutError';
  }
}

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

export async function acquireDirectoryLock(
  directory: string,
  options: DirectoryLockOptions,
): Promise<HeldDirectoryLock> {
  const path = join(directory, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), token: randomUUID(), acquiredAt: '' };
  const started = Date.now();
  let pauseMs = FIRST_PAUSE_MS;
  let lastHolder = 'another process';
  for (;;) {
    const mine = { ...holder, acquiredAt: new Date().toISOString() };
    if (await createExclusive(path, JSON.stringify(mine))) return heldLock(path, mine.token);
    const found = await readLockFile(path);
    if (found !== undefined) {
      lastHolder = describeHolder(found.holder);
      if (isStale(found, options.staleAfterMs)) {
        await breakStaleLock(directory, found, options.staleAfterMs);
        continue;
      }
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new DirectoryLockTimeoutError(path, lastHolder, waited);
    await sleep(Math.min(pauseMs * (0.5 + Math.random()), options.timeoutMs - waited));
    pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
  }
}

function heldLock(path: string, token: string): HeldDirectoryLock {
  const stillHeld = async (): Promise<boolean> => (await readLockFile(path))?.holder?.token === token;
  return {
    stillHeld,
    release: async () => {
      if (await stillHeld()) await unlink(path).catch(ignoreMissing);
    },
  };
}

/** Creates `path` with `content` unless it exists, in which case it returns false. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    await writeNewFileDurably(path, content);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

/** A lock file as found: its raw text, its holder when the text parses, its inode and age. */
interface FoundLock {
  readonly text: string;
  readonly holder: LockHolder | undefined;
  readonly ino: number;
  readonly modifiedMs: number;
}

async function readLockFile(path: string): Promise<FoundLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, holder: parseHolder(text), ino: info.ino, modifiedMs: info.mtimeMs };
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(found: FoundLock, staleAfterMs: number): boolean {
  const { holder } = found;
  // A lock file still being written has no holder yet: judge it by its age only.
  const since = holder === undefined ? found.modifiedMs : Date.parse(holder.acquiredAt);
  if (!Number.isFinite(since) || Date.now() - since > staleAfterMs) return true;
  return holder !== undefined && holder.host === hostname() && !processIsAlive(holder.pid);
}

/**
 * Removes the stale lock `found`, unless it has changed meanwhile. Holding `.lock.breaking` makes this the only
 * process removing a lock now, so the lock it checks is the lock it removes. A breaker that dies leaves
 * `.lock.breaking` behind, which goes stale by the same rules.
 */
async function breakStaleLock(directory: string, found: FoundLock, staleAfterMs: number): Promise<void> {
  const breakingPath = join(directory, BREAKING_FILE);
  const breaker: LockHolder = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    acquiredAt: new Date().toISOString(),
  };
  if (!(await createExclusive(breakingPath, JSON.stringify(breaker)))) {
    const other = await readLockFile(breakingPath);
    if (other !== undefined && isStale(other, staleAfterMs)) await unlink(breakingPath).catch(ignoreMissing);
    return;
  }
  try {
    const lockPath = join(directory, LOCK_FILE);
    const now = await readLockFile(lockPath);
    if (now !== undefined && now.ino === found.ino && now.text === found.text)
      await unlink(lockPath).catch(ignoreMissing);
  } finally {
    await unlink(breakingPath).catch(ignoreMissing);
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (
      typeof value?.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      typeof value.acquiredAt === 'string'
    ) {
      return { pid: value.pid, host: value.host, token: value.token, acquiredAt: value.acquiredAt };
    }
  } catch {
    // Being written, or damaged: judged by the file's age.
  }
  return undefined;
}

function describeHolder(holder: LockHolder | undefined): string {
  return holder === undefined
    ? 'a process still writing the lock'
    : `pid ${holder.pid} on ${holder.host} since ${holder.acquiredAt}`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return codeOf(error) === 'EPERM';
  }
}

function ignoreMissing(error: unknown): void {
  if (codeOf(error) !== 'ENOENT') throw error;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
