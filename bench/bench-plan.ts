// How big each step of the bench is: the full plan behind `npm run bench`, and the quick plan (N = 3, one start) the
// smoke test runs so every code path stays exercised. Every loop in the bench is bounded by these counts and budgets.

import { join } from 'node:path';
import type { BundlePlan } from './bundle.ts';
import type { FanOutPlan } from './fan-out.ts';
import type { MemoryPlan } from './memory.ts';
import { REPO_ROOT } from './node-child.ts';
import type { FarmOptions } from './service-farm.ts';
import type { TargetSizes } from './targets.ts';

export interface BenchPlan {
  readonly name: 'full' | 'quick';
  readonly farm: FarmOptions;
  readonly fanOut: FanOutPlan;
  readonly memory: MemoryPlan;
  readonly bundle: BundlePlan;
  /** Monitor sizes the cost model prices; each must be a fan-out size. */
  readonly costSizes: readonly number[];
  readonly targetSizes: TargetSizes;
}

export const FARM_DELAY_MS = 50;
const FETCH_TIMEOUT_MS = 10_000;

export function fullPlan(): BenchPlan {
  return {
    name: 'full',
    farm: { ports: 4, delayMs: FARM_DELAY_MS, maxLifetimeMs: 15 * 60_000, readyTimeoutMs: 15_000 },
    fanOut: {
      sizes: [1, 10, 100, 1000],
      concurrencyNSizes: [100, 1000],
      sequentialSizes: [10, 100],
      warmups: 3,
      minRounds: 5,
      maxRounds: { 1: 40, 10: 40, 100: 25, 1000: 15 },
      defaultMaxRounds: 15,
      sequentialMaxRounds: 5,
      budgetMsPerSize: 45_000,
      fetchTimeoutMs: FETCH_TIMEOUT_MS,
    },
    memory: { n: 1000, childrenPerMode: 3, runsPerChild: 3, childTimeoutMs: 90_000, fetchTimeoutMs: FETCH_TIMEOUT_MS },
    bundle: {
      outDir: join(REPO_ROOT, 'bench', '.work', 'bundles'),
      starts: 15,
      budgetMs: 90_000,
      childTimeoutMs: 20_000,
    },
    costSizes: [1, 10, 100],
    targetSizes: { fanOut: 1000, sequential: 100, cost: 100 },
  };
}

/** N = 3 everywhere, one round, one start: seconds, not minutes. `outDir` receives the bundles. */
export function quickPlan(outDir: string): BenchPlan {
  return {
    name: 'quick',
    farm: { ports: 2, delayMs: FARM_DELAY_MS, maxLifetimeMs: 2 * 60_000, readyTimeoutMs: 15_000 },
    fanOut: {
      sizes: [3],
      concurrencyNSizes: [3],
      sequentialSizes: [3],
      warmups: 1,
      minRounds: 1,
      maxRounds: {},
      defaultMaxRounds: 2,
      sequentialMaxRounds: 1,
      budgetMsPerSize: 5_000,
      fetchTimeoutMs: FETCH_TIMEOUT_MS,
    },
    memory: { n: 3, childrenPerMode: 1, runsPerChild: 1, childTimeoutMs: 30_000, fetchTimeoutMs: FETCH_TIMEOUT_MS },
    bundle: { outDir, starts: 1, budgetMs: 20_000, childTimeoutMs: 20_000 },
    costSizes: [3],
    targetSizes: { fanOut: 3, sequential: 3, cost: 3 },
  };
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly out: string;
}

export const USAGE = 'usage: npm run bench [-- --quick] [-- --out <results.json>]';

/** Parses `--quick` and `--out <file>`; throws RangeError on anything else. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let out: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--out' && argv[index + 1] !== undefined) out = argv[++index]!;
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else throw new RangeError(`unknown option ${JSON.stringify(arg)}; ${USAGE}`);
  }
  // A quick run never overwrites the full run's results.
  const defaultOut = quick
    ? join(REPO_ROOT, 'bench', '.work', 'results-quick.json')
    : join(REPO_ROOT, 'bench', 'results.json');
  return { quick, out: out ?? defaultOut };
}
