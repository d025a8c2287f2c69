// Paths in the repository that tests run or read as files (not imports), from its root, so a test's own folder never
// matters.

import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The `rollgate` executable, as npm links it. */
export const ROLLGATE_CLI = join(REPO_ROOT, 'bin/rollgate.mjs');
