// The memory child: started exactly the same way for every mode, it runs one workload against the farm and prints its
// peak RSS. Each mode loads only its own code (dynamic import), so the gate child pays for the engine and the floor
// child does not; `idle` measures what starting a child costs at all, `engine_loaded` what loading the engine adds.

import { readFileSync } from 'node:fs';
import { farmUrls } from './farm-urls.ts';

export type MemoryMode = 'idle' | 'engine_loaded' | 'floor' | 'gate' | 'gate_concurrency_n';

export interface MemoryProbeArgs {
  readonly mode: MemoryMode;
  readonly ports: readonly number[];
  readonly n: number;
  readonly runs: number;
  readonly fetchTimeoutMs: number;
}

export interface MemoryProbeReport {
  readonly mode: MemoryMode;
  /** process.resourceUsage().maxRSS, in KiB. */
  readonly max_rss_kib: number;
  /** VmHWM from /proc/self/status, in KiB (null where /proc is missing). */
  readonly vm_hwm_kib: number | null;
}

const args = JSON.parse(process.argv[2] ?? 'null') as MemoryProbeArgs;
const urls = farmUrls(args.ports, args.n);

if (args.mode === 'floor') {
  const { fetchAllFloor } = await import('./floor-workload.ts');
  for (let run = 0; run < args.runs; run += 1) await fetchAllFloor(urls, args.fetchTimeoutMs);
} else if (args.mode !== 'idle') {
  const { gateConfigFor, runGateWorkload } = await import('./gate-workload.ts');
  const { MAX_CONCURRENCY } = await import('../lambda/core/config/config-schema.ts');
  const config = gateConfigFor(
    urls,
    args.mode === 'gate_concurrency_n' ? Math.min(args.n, MAX_CONCURRENCY) : undefined,
  );
  const runs = args.mode === 'engine_loaded' ? 0 : args.runs;
  for (let run = 0; run < runs; run += 1) await runGateWorkload(config);
}

const report: MemoryProbeReport = {
  mode: args.mode,
  max_rss_kib: process.resourceUsage().maxRSS,
  vm_hwm_kib: readVmHwm(),
};
// Exit at once: idle keep-alive sockets must not hold the child open.
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));

function readVmHwm(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
