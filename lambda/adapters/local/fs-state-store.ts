// State in a local directory (the CLI's state directory): one JSON file per item, safe for several processes at once.
// Every call holds the directory lock (fs-state-store-lock.ts) and first completes any write a dead process left
// half-done; writes go through temporary files, renames and a journal (fs-state-store-journal.ts).

import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeError } from '../../core/errors.ts';
import { systemClock, type Clock } from '../../core/gate/ports.ts';
import { StateChangeError, StateConflictError, StateUnavailableError } from '../../core/state/state-errors.ts';
import type { StateKey, StateKind } from '../../core/state/state-keys.ts';
import { StateReadResult, type StateEntry } from '../../core/state/state-read-result.ts';
import {
  decodeStateRecord,
  DEFAULT_EXPIRED_RETENTION_MS,
  MAX_STATE_DOCUMENT_CHARS,
  prepareStateChanges,
} from '../../core/state/state-record-codec.ts';
import type { StateChange, StateStore } from '../../core/state/state-store.ts';
import { conflictOf } from '../../core/state/state-write-condition.ts';
import { keyOfStateFileName, STATE_FILE_SUFFIX, stateFileName } from './fs-state-store-file-name.ts';
import {
  commitFileOperations,
  completeInterruptedWrite,
  type FileOperation,
  writeTemporaryFile,
} from './fs-state-store-journal.ts';
import { acquireDirectoryLock, DirectoryLockTimeoutError, type HeldDirectoryLock } from './fs-state-store-lock.ts';

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
          from: await writeTemporaryFile(this.directory, `${JSON.stringify(envelope, null, 2)}\n`),
          to,
        });
      }
      // A process that judged this lock stale may have taken it meanwhile: then write nothing.
      if (!(await lock.stillHeld())) {
        throw new StateUnavailableError(`lost the lock on ${this.directory} to another process; nothing was written`);
      }
      await commitFileOperations(this.directory, operations);
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
      await completeInterruptedWrite(this.directory);
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
