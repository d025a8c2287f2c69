// How the directory store applies a write: new item files are written as fsynced temporary files, then renamed over
// the old ones. One rename is atomic by itself; a write of several items first records its renames and removals in a
// journal, which the next holder of the directory lock completes if the writer died half-way.

import { randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StateUnavailableError } from '../../core/state/state-errors.ts';
import { STATE_FILE_SUFFIX } from './fs-state-store-file-name.ts';
import { writeNewFileDurably } from './fs-state-store-new-file.ts';

export const JOURNAL_FILE = '.journal.json';
const TEMP_PREFIX = '.tmp-';

/** One step of a write: a temporary file renamed over an item's file, or an item's file removed. */
export type FileOperation =
  | { readonly op: 'rename'; readonly from: string; readonly to: string }
  | { readonly op: 'remove'; readonly path: string };

/** Writes `content` to a new temporary file in `directory`, fsynced, and returns its name. */
export async function writeTemporaryFile(directory: string, content: string): Promise<string> {
  const name = `${TEMP_PREFIX}${randomUUID()}`;
  await writeNewFileDurably(join(directory, name), content);
  return name;
}

/** Applies the operations of one write, all or nothing across a crash. Call holding the directory lock. */
export async function commitFileOperations(directory: string, operations: readonly FileOperation[]): Promise<void> {
  const journaled = operations.length > 1;
  if (journaled) {
    const temporary = await writeTemporaryFile(directory, `${JSON.stringify({ operations })}\n`);
    await rename(join(directory, temporary), join(directory, JOURNAL_FILE));
    await syncDirectory(directory);
  }
  await applyFileOperations(directory, operations);
  if (journaled) {
    await unlink(join(directory, JOURNAL_FILE));
    await syncDirectory(directory);
  }
}

/**
 * Completes a write that a dead process journaled but did not finish, then removes temporary files: holding the
 * lock, no write is under way, so any temporary file left is an orphan. Refuses a damaged journal, naming it.
 */
export async function completeInterruptedWrite(directory: string): Promise<void> {
  const journalPath = join(directory, JOURNAL_FILE);
  let journal: string | undefined;
  try {
    journal = await readFile(journalPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (journal !== undefined) {
    await applyFileOperations(directory, parseJournal(journal, journalPath));
    await unlink(journalPath);
    await syncDirectory(directory);
  }
  for (const name of await readdir(directory)) {
    if (name.startsWith(TEMP_PREFIX)) await rm(join(directory, name), { force: true });
  }
}

/** Applies renames and removals; each may already have happened (a journal completed a second time). */
async function applyFileOperations(directory: string, operations: readonly FileOperation[]): Promise<void> {
  for (const operation of operations) {
    try {
      if (operation.op === 'rename') await rename(join(directory, operation.from), join(directory, operation.to));
      else await unlink(join(directory, operation.path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await syncDirectory(directory);
}

/** Makes renames and removals durable; platforms that cannot fsync a directory skip it. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync().catch((error: NodeJS.ErrnoException) => {
      if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(error.code ?? '')) throw error;
    });
  } finally {
    await handle.close();
  }
}

/** The journal's operations, each naming a temporary or item file of this directory; anything else is refused. */
function parseJournal(text: string, path: string): FileOperation[] {
  const temporaryName = (name: unknown) => typeof name === 'string' && /^\.tmp-[0-9a-f-]{1,64}$/.test(name);
  const itemName = (name: unknown) =>
    typeof name === 'string' && /^[a-z][A-Za-z0-9._%~-]*$/.test(name) && name.endsWith(STATE_FILE_SUFFIX);
  try {
    const { operations } = JSON.parse(text) as { operations?: unknown };
    if (Array.isArray(operations)) {
      const valid = operations.every((operation: Partial<Record<string, unknown>> | null) =>
        operation?.op === 'rename'
          ? temporaryName(operation.from) && itemName(operation.to)
          : operation?.op === 'remove' && itemName(operation.path),
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
