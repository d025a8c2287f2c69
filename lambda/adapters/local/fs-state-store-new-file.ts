// Creates a file that must not exist yet (exclusive create, `wx`) and fsyncs it before closing, so whoever finds the
// file finds its content too: a lock naming its holder, a temporary item file about to be renamed into place.

import { open } from 'node:fs/promises';

/** Throws the file system's error, EEXIST when `path` already exists. */
export async function writeNewFileDurably(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
