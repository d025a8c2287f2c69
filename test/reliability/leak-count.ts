// How the leak suite tells the reliability reporter what it found: each place's test puts its count of leaks on its
// own task meta, which vitest carries from the test worker to the reporter, whichever tests ran.

import type { TaskMeta } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Planted secrets found in this test's place (0 when it is clean); set before the test asserts. */
    leaksFound?: number;
  }
}

/** Records `count` on the test's meta, for reliability-reporter.ts. */
export function reportLeakCount(meta: TaskMeta, count: number): void {
  meta.leaksFound = count;
}
