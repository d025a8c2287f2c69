// State in a local directory (the CLI's `--state-dir`): one JSON file per item, safe for several processes at once.
// Every call holds the directory lock (fs-state-store-lock.ts); each file is replaced by writing a fsynced temporary
// file and renaming it over the old one, and a write of several items first records its renames in a journal, which
// the next holder of the lock completes if the writer died half-way, so a multi-item write is never seen half-done.

import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeError } from '../core/errors.ts';
import { systemClock, type Clock } from '../core/ports.ts';
import { StateChangeError, StateConflictError, StateUnavailableError } from '../core/state/state-errors.ts';
import type { StateKey, StateKind } from '../core/state/state-keys.ts';
import { StateReadResult, type StateEntry } from '../core/state/state-read-result.ts';
import {
  decodeStateRecord,
  DEFAULT_EXPIRED_RETENTION_MS,
  MAX_STATE_DOCUMENT_CHARS,
  prepareStateChanges,
} from '../core/state/state-record-codec.ts';
import type { StateChange, StateStore } from '../core/state/state-store.ts';
import { conflictOf } from '../core/state/state-write-condition.ts';
import { keyOfStateFileName, STATE_FILE_SUFFIX, stateFileName } from './fs-state-store-file-name.ts';
import { acquireDirectoryLock, DirectoryLockTimeoutError, type HeldDirectoryLock } from './fs-state-store-lock.ts';

const JOURNAL_FILE = '.journal.json';
const TEMP_PREFIX = '.tmp-';
/** A file this large is not a state item, and is not read whole. */
const MAX_FILE_BYTES = 8 * MAX_STATE_DOCUMENT_CHARS;

export const DEFAULT_STALE_LOCK_MS = 30_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export interface FsStateStoreOptions {
  readonly directory: string;
  /** @default systemClock */
  readonly clock?: Clock;
  /** A directory lock older than this is taken over, even if its process seems alive. @default 30 s */
  readonly staleLockMs?: number;
  /** How long a call waits for the directory lock before StateUnavailableError. @default 10 s */
  readonly lockTimeoutMs?: number;
  /** How long an expired item keeps its file (and its revision) before a read removes it. @default 24 h */
  readonly expiredRetentionMs?: number;
}

/** One step of a write: a temporary file renamed over an item's file, or an item's file removed. */
type FileOperation =
  | { readonly op: 'rename'; readonly from: string; readonly to: string }
  | { readonly op: 'remove'; readonly path: string };

/** An item file as read: its text, or why there is none to read. */
type FileText = { readonly text: string } | 'missing' | 'too_large';

export class FsStateStore implements StateStore {
  public readonly directory: string;
  private readonly clock: Clock;
  private readonly staleLockMs: number;
  private readonly lockTimeoutMs: number;
  private readonly expiredRetentionMs: number;

  public constructor(options: FsStateStoreOptions) {
    this.directory = resolve(options.directory);
    this.clock = options.clock ?? systemClock;
    this.staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.expiredRetentionMs = options.expiredRetentionMs ?? DEFAULT_EXPIRED_RETENTION_MS;
  }

  public read(keys: readonly StateKey[]): Promise<StateReadResult> {
    return this.underLock(async () => {
      const now = this.clock.now();
      const entries = await Promise.all([...new Set(keys)].map((key) => this.readEntry(stateFileName(key), key, now)));
      return new StateReadResult(entries.flatMap((entry) => entry ?? []));
    });
  }

  public async write(changes: readonly StateChange[]): Promise<void> {
    const prepared = prepareStateChanges(changes);
    if (prepared.length === 0) return;
    await this.underLock(async (lock) => {
      for (const change of prepared) {
        const stored = storedRevision(await this.readFile(stateFileName(change.key)));
        const conflict = conflictOf(change, stored);
        if (conflict !== undefined) throw new StateConflictError(conflict);
      }
      const operations: FileOperation[] = [];
      for (const change of prepared) {
        const to = stateFileName(change.key);
        if (change.op === 'delete') {
          operations.push({ op: 'remove', path: to });
          continue;
        }
        const envelope = {
          key: change.key,
          revision: change.revision,
          expiresAt: change.expiresAt,
          item: JSON.parse(change.document!),
        };
        operations.push({
          op: 'rename',
          from: await this.writeTemporary(`${JSON.stringify(envelope, null, 2)}\n`),
          to,
        });
      }
      // A process that judged this lock stale may have taken it meanwhile: then write nothing.
      if (!(await lock.stillHeld())) {
        throw new StateUnavailableError(`lost the lock on ${this.directory} to another process; nothing was written`);
      }
      // One rename is atomic by itself; several need the journal to be all-or-nothing across a crash.
      if (operations.length > 1) await this.writeJournal(operations);
      await this.apply(operations);
      if (operations.length > 1) {
        await unlink(this.path(JOURNAL_FILE));
        await this.syncDirectory();
      }
    });
  }

  public list(kind: StateKind): Promise<StateReadResult> {
    return this.underLock(async () => {
      const now = this.clock.now();
      const names = (await readdir(this.directory)).filter(
        (name) => name.startsWith(`${kind}%23`) && name.endsWith(STATE_FILE_SUFFIX),
      );
      const entries = await Promise.all(names.map((name) => this.readEntry(name, undefined, now)));
      return new StateReadResult(entries.flatMap((entry) => entry ?? []));
    });
  }

  /** Runs `action` holding the directory lock, after completing any write a dead process left half-done. */
  private async underLock<T>(action: (lock: HeldDirectoryLock) => Promise<T>): Promise<T> {
    let lock: HeldDirectoryLock | undefined;
    try {
      await mkdir(this.directory, { recursive: true });
      lock = await acquireDirectoryLock(this.directory, {
        staleAfterMs: this.staleLockMs,
        timeoutMs: this.lockTimeoutMs,
      });
      await this.recover();
      return await action(lock);
    } catch (error) {
      if (
        error instanceof StateConflictError ||
        error instanceof StateChangeError ||
        error instanceof StateUnavailableError
      ) {
        throw error;
      }
      if (error instanceof DirectoryLockTimeoutError) {
        throw new StateUnavailableError(`cannot lock the state directory: ${error.message}`, { cause: error });
      }
      throw new StateUnavailableError(`cannot use the state directory ${this.directory}: ${describeError(error)}`, {
        cause: error,
      });
    } finally {
      await lock?.release().catch(() => undefined);
    }
  }

  /** Finishes a journaled write, then drops temporary files: holding the lock, no other write is under way. */
  private async recover(): Promise<void> {
    const journal = await this.readFile(JOURNAL_FILE);
    if (typeof journal === 'object') {
      await this.apply(parseJournal(journal.text, this.path(JOURNAL_FILE)));
      await unlink(this.path(JOURNAL_FILE));
      await this.syncDirectory();
    }
    for (const name of await readdir(this.directory)) {
      if (name.startsWith(TEMP_PREFIX)) await rm(this.path(name), { force: true });
    }
  }

  private async readEntry(name: string, expectedKey: string | undefined, now: Date): Promise<StateEntry | undefined> {
    const file = await this.readFile(name);
    const fallbackKey = expectedKey ?? keyOfStateFileName(name) ?? name;
    if (file === 'missing') return undefined;
    if (file === 'too_large')
      return { status: 'invalid', key: fallbackKey, revision: undefined, problem: `is over ${MAX_FILE_BYTES} bytes` };
    const envelope = parseEnvelope(file.text);
    if (envelope === undefined)
      return {
        status: 'invalid',
        key: fallbackKey,
        revision: undefined,
        problem: 'is not a state file (JSON with key, revision and item)',
      };
    const key = typeof envelope.key === 'string' ? envelope.key : fallbackKey;
    if (stateFileName(key) !== name || (expectedKey !== undefined && key !== expectedKey)) {
      return {
        status: 'invalid',
        key: fallbackKey,
        revision: undefined,
        problem: `file ${name} holds the item of another key`,
      };
    }
    const entry = decodeStateRecord(
      {
        key,
        document: JSON.stringify(envelope.item),
        revision: envelope.revision,
        expiresAt: envelope.expiresAt ?? undefined,
      },
      now,
    );
    if (entry.status === 'expired' && entry.expiresAt.getTime() + this.expiredRetentionMs <= now.getTime()) {
      await unlink(this.path(name)).catch(() => undefined);
      return undefined;
    }
    return entry;
  }

  /** A file's text, read no further than MAX_FILE_BYTES. */
  private async readFile(name: string): Promise<FileText> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path(name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > MAX_FILE_BYTES) return 'too_large';
      }
      return { text: buffer.subarray(0, length).toString('utf8') };
    } finally {
      await handle.close();
    }
  }

  /** Writes `content` to a new temporary file, fsynced, and returns its name. */
  private async writeTemporary(content: string): Promise<string> {
    const name = `${TEMP_PREFIX}${randomUUID()}`;
    const handle = await open(this.path(name), 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return name;
  }

  private async writeJournal(operations: readonly FileOperation[]): Promise<void> {
    const temporary = await this.writeTemporary(`${JSON.stringify({ operations })}\n`);
    await rename(this.path(temporary), this.path(JOURNAL_FILE));
    await this.syncDirectory();
  }

  /** Applies renames and removals; each may already have happened (a journal completed a second time). */
  private async apply(operations: readonly FileOperation[]): Promise<void> {
    for (const operation of operations) {
      try {
        if (operation.op === 'rename') await rename(this.path(operation.from), this.path(operation.to));
        else await unlink(this.path(operation.path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    await this.syncDirectory();
  }

  /** Makes renames and removals durable; platforms that cannot fsync a directory skip it. */
  private async syncDirectory(): Promise<void> {
    const handle = await open(this.directory, 'r');
    try {
      await handle.sync().catch((error: NodeJS.ErrnoException) => {
        if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(error.code ?? '')) throw error;
      });
    } finally {
      await handle.close();
    }
  }

  private path(name: string): string {
    return join(this.directory, name);
  }
}

interface StateFileEnvelope {
  readonly key?: unknown;
  readonly revision?: unknown;
  readonly expiresAt?: unknown;
  readonly item?: unknown;
}

function parseEnvelope(text: string): StateFileEnvelope | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'item' in value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a condition is checked against: null for no file, undefined for a file whose revision cannot be read. */
function storedRevision(file: FileText): number | null | undefined {
  if (file === 'missing') return null;
  if (file === 'too_large') return undefined;
  const revision = parseEnvelope(file.text)?.revision;
  return typeof revision === 'number' ? revision : undefined;
}

/** The journal's operations, each naming a plain file of this directory; anything else is refused, not applied. */
function parseJournal(text: string, path: string): FileOperation[] {
  const plainName = (name: unknown): name is string => typeof name === 'string' && /^[A-Za-z0-9._%~-]+$/.test(name);
  try {
    const { operations } = JSON.parse(text) as { operations?: unknown };
    if (Array.isArray(operations)) {
      const valid = operations.every((operation: Partial<Record<string, unknown>>) =>
        operation?.op === 'rename'
          ? plainName(operation.from) && String(operation.from).startsWith(TEMP_PREFIX) && plainName(operation.to)
          : operation?.op === 'remove' && plainName(operation.path),
      );
      if (valid) return operations as FileOperation[];
    }
  } catch {
    // Reported below.
  }
  throw new StateUnavailableError(
    `${path} is damaged; a write may be half-done: inspect the directory, then remove it`,
  );
}
