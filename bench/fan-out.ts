// Part 1, probe fan-out: for each N, the gate, the raw-fetch floor and (at some N) the gate with concurrency = N and
// the sequential seed-script style, warmed up, then run in interleaved rounds whose order rotates, so machine noise
// and connection-pool state hit every contender alike. Each size is bounded by a round count and a time budget.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../lambda/core/config/config-schema.ts';
import { fetchAllFloor, fetchSequential } from './floor-workload.ts';
import { gateConfigFor, runGateWorkload } from './gate-workload.ts';
import { rotate } from './rotate.ts';
import { summarize, type SampleSummary } from './sample-stats.ts';

export interface FanOutPlan {
  readonly sizes: readonly number[];
  /** Sizes at which the gate also runs with concurrency = N. */
  readonly concurrencyNSizes: readonly number[];
  /** Sizes at which the sequential style also runs (it takes N × delay a round). */
  readonly sequentialSizes: readonly number[];
  readonly warmups: number;
  readonly minRounds: number;
  /** Rounds of the gate and floor, by size; a size not listed gets `defaultMaxRounds`. */
  readonly maxRounds: Readonly<Record<number, number>>;
  readonly defaultMaxRounds: number;
  readonly sequentialMaxRounds: number;
  /** After `minRounds`, no new round starts once a size has used this much time. */
  readonly budgetMsPerSize: number;
  readonly fetchTimeoutMs: number;
}

export type ContenderId = 'gate' | 'gate_concurrency_n' | 'floor' | 'sequential';

export interface TimedSummary {
  readonly wall_ms: SampleSummary;
  /** CPU (user + system) of this process during the run: what the work costs beyond waiting. */
  readonly cpu_ms: SampleSummary;
  readonly wall_samples_ms: readonly number[];
}

export interface FanOutPoint {
  readonly n: number;
  readonly rounds: number;
  readonly gate_concurrency: number;
  readonly gate: TimedSummary;
  readonly floor: TimedSummary;
  readonly gate_concurrency_n?: TimedSummary;
  readonly sequential?: TimedSummary;
  /** Ratios of medians. */
  readonly gate_over_floor: number;
  readonly gate_cpu_over_floor_cpu: number;
  readonly gate_concurrency_n_over_floor?: number;
  readonly sequential_over_gate?: number;
  readonly sequential_over_gate_concurrency_n?: number;
  /** Size of one run's evidence document as JSON. */
  readonly evidence_bytes: number;
}

export interface FanOutResult {
  readonly default_concurrency: number;
  readonly points: readonly FanOutPoint[];
}

interface Contender {
  readonly id: ContenderId;
  readonly maxRounds: number;
  warm(): Promise<void>;
  run(): Promise<void>;
}

export async function measureFanOut(
  urlsFor: (n: number) => string[],
  plan: FanOutPlan,
  log: (line: string) => void,
): Promise<FanOutResult> {
  const collectGarbage = exposeGc();
  const points: FanOutPoint[] = [];
  for (const n of plan.sizes) {
    points.push(await measureSize(n, urlsFor(n), plan, collectGarbage, log));
  }
  return { default_concurrency: DEFAULT_CONCURRENCY, points };
}

async function measureSize(
  n: number,
  urls: string[],
  plan: FanOutPlan,
  collectGarbage: () => void,
  log: (line: string) => void,
): Promise<FanOutPoint> {
  let evidenceBytes = 0;
  const gateDefault = gateConfigFor(urls);
  // The engine caps concurrency (a Lambda has 1,024 file descriptors): the 'all at once' row uses that cap.
  const gateAtN = gateConfigFor(urls, Math.min(n, MAX_CONCURRENCY));
  const rounds = plan.maxRounds[n] ?? plan.defaultMaxRounds;
  const contenders: Contender[] = [
    {
      id: 'gate',
      maxRounds: rounds,
      warm: async () => void (await runGateWorkload(gateDefault)),
      run: async () => {
        evidenceBytes = (await runGateWorkload(gateDefault)).evidenceBytes;
      },
    },
    {
      id: 'floor',
      maxRounds: rounds,
      warm: async () => void (await fetchAllFloor(urls, plan.fetchTimeoutMs)),
      run: async () => void (await fetchAllFloor(urls, plan.fetchTimeoutMs)),
    },
  ];
  if (plan.concurrencyNSizes.includes(n)) {
    const run = async (): Promise<void> => void (await runGateWorkload(gateAtN));
    contenders.push({ id: 'gate_concurrency_n', maxRounds: rounds, warm: run, run });
  }
  if (plan.sequentialSizes.includes(n)) {
    contenders.push({
      id: 'sequential',
      maxRounds: plan.sequentialMaxRounds,
      // The same code path on a few URLs: warming it on all N would cost N × delay per warm-up.
      warm: async () => void (await fetchSequential(urls.slice(0, 10), plan.fetchTimeoutMs)),
      run: async () => void (await fetchSequential(urls, plan.fetchTimeoutMs)),
    });
  }

  for (let i = 0; i < plan.warmups; i += 1) {
    for (const contender of contenders) await contender.warm();
  }
  const wall = new Map<ContenderId, number[]>(contenders.map((c) => [c.id, []]));
  const cpu = new Map<ContenderId, number[]>(contenders.map((c) => [c.id, []]));
  const started = performance.now();
  const mostRounds = Math.max(...contenders.map((c) => c.maxRounds));
  let round = 0;
  for (; round < mostRounds; round += 1) {
    if (round >= plan.minRounds && performance.now() - started > plan.budgetMsPerSize) break;
    for (const contender of rotate(contenders, round)) {
      if (round >= contender.maxRounds) continue;
      // The garbage of the run before is collected now, outside every measurement, not inside the next contender's.
      collectGarbage();
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      await contender.run();
      const elapsed = performance.now() - t0;
      const used = process.cpuUsage(cpuBefore);
      wall.get(contender.id)!.push(elapsed);
      cpu.get(contender.id)!.push((used.user + used.system) / 1000);
    }
  }
  const timed = (id: ContenderId): TimedSummary | undefined => {
    const samples = wall.get(id);
    if (samples === undefined || samples.length === 0) return undefined;
    return { wall_ms: summarize(samples), cpu_ms: summarize(cpu.get(id)!), wall_samples_ms: samples.map(roundTo2) };
  };
  const gate = timed('gate')!;
  const floor = timed('floor')!;
  const gateN = timed('gate_concurrency_n');
  const sequential = timed('sequential');
  const point: FanOutPoint = {
    n,
    rounds: round,
    gate_concurrency: gateDefault.concurrency,
    gate,
    floor,
    ...(gateN
      ? { gate_concurrency_n: gateN, gate_concurrency_n_over_floor: gateN.wall_ms.median / floor.wall_ms.median }
      : {}),
    ...(sequential ? { sequential, sequential_over_gate: sequential.wall_ms.median / gate.wall_ms.median } : {}),
    ...(sequential && gateN
      ? { sequential_over_gate_concurrency_n: sequential.wall_ms.median / gateN.wall_ms.median }
      : {}),
    gate_over_floor: gate.wall_ms.median / floor.wall_ms.median,
    gate_cpu_over_floor_cpu: gate.cpu_ms.median / floor.cpu_ms.median,
    evidence_bytes: evidenceBytes,
  };
  log(
    `fan-out N=${n}: ${round} rounds, gate ${gate.wall_ms.median.toFixed(1)} ms, floor ${floor.wall_ms.median.toFixed(1)} ms` +
      (gateN ? `, gate@N ${gateN.wall_ms.median.toFixed(1)} ms` : '') +
      (sequential ? `, sequential ${sequential.wall_ms.median.toFixed(1)} ms` : ''),
  );
  return point;
}

/** A full, synchronous GC (V8's gc(), exposed at run time since `tsx bench/run.ts` passes no node flags). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}
