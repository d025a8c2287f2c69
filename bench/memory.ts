// Part 2, memory: the peak RSS of a child running the gate at N against a child running the raw-fetch floor, both
// started the same way (node --import tsx, same entry, same environment), children interleaved by mode.

import type { MemoryMode, MemoryProbeArgs, MemoryProbeReport } from './memory-probe.ts';
import { runJsonChild, tsxArgs } from './node-child.ts';
import { summarize, type SampleSummary } from './sample-stats.ts';

const PROBE_ENTRY = 'bench/memory-probe.ts';
const MODES: readonly MemoryMode[] = ['idle', 'engine_loaded', 'floor', 'gate', 'gate_concurrency_n'];

export interface MemoryPlan {
  readonly n: number;
  readonly childrenPerMode: number;
  readonly runsPerChild: number;
  readonly childTimeoutMs: number;
  readonly fetchTimeoutMs: number;
}

export interface MemoryResult {
  readonly n: number;
  readonly runs_per_child: number;
  /** Peak RSS per mode in MiB, one sample per child. */
  readonly peak_rss_mib: Readonly<Record<MemoryMode, SampleSummary>>;
  /** Ratios of medians. */
  readonly gate_over_floor: number;
  readonly gate_concurrency_n_over_floor: number;
  /** (gate − idle) ÷ (floor − idle): the workloads' own memory, without the runtime both share. */
  readonly gate_above_idle_over_floor_above_idle: number;
  /** (gate − engine loaded, no run) ÷ (floor − idle): what the runs add, without the engine's code and zod. */
  readonly gate_runs_over_floor_runs: number;
}

export async function measureMemory(
  ports: readonly number[],
  plan: MemoryPlan,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const samples = new Map<MemoryMode, number[]>(MODES.map((mode) => [mode, []]));
  for (let child = 0; child < plan.childrenPerMode; child += 1) {
    for (const mode of MODES) {
      const args: MemoryProbeArgs = {
        mode,
        ports,
        n: plan.n,
        runs: plan.runsPerChild,
        fetchTimeoutMs: plan.fetchTimeoutMs,
      };
      const report = await runJsonChild<MemoryProbeReport>({
        label: `memory child (${mode}, N=${plan.n})`,
        args: tsxArgs(PROBE_ENTRY, JSON.stringify(args)),
        timeoutMs: plan.childTimeoutMs,
      });
      samples.get(mode)!.push(report.max_rss_kib / 1024);
    }
  }
  const peak = Object.fromEntries(MODES.map((mode) => [mode, summarize(samples.get(mode)!)])) as Record<
    MemoryMode,
    SampleSummary
  >;
  const idle = peak.idle.median;
  const result: MemoryResult = {
    n: plan.n,
    runs_per_child: plan.runsPerChild,
    peak_rss_mib: peak,
    gate_over_floor: peak.gate.median / peak.floor.median,
    gate_concurrency_n_over_floor: peak.gate_concurrency_n.median / peak.floor.median,
    gate_above_idle_over_floor_above_idle: (peak.gate.median - idle) / (peak.floor.median - idle),
    gate_runs_over_floor_runs: (peak.gate.median - peak.engine_loaded.median) / (peak.floor.median - idle),
  };
  log(
    `memory N=${plan.n}: gate ${peak.gate.median.toFixed(1)} MiB, floor ${peak.floor.median.toFixed(1)} MiB, idle ${idle.toFixed(1)} MiB`,
  );
  return result;
}
