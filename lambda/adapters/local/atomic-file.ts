// Files a reader never sees half written: each write goes to a temporary file of its own beside the target (unique
// per write, so two writes never share, and interleave in, one), which then becomes the target whole.

import { randomUUID } from 'node:crypto';
import { link, rename, rm, writeFile } from 'node:fs/promises';

/** Replaces `path` with `content` (a temporary file, then a rename). */
export async function replaceAtomically(path: string, content: string): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, content, { encoding: 'utf8', mode: 0o644, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Writes `path` only when it does not exist (a temporary file, then a link): an existing record stays as it was. */
export async function writeOnce(path: string, content: string): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, content, { encoding: 'utf8', mode: 0o644, flag: 'wx' });
    await link(temporary, path);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

function temporaryPathFor(path: string): string {
  return `${path}.${process.pid}.${randomUUID()}.tmp`;
}
