// The shape of bench/results.json: every part's measurements, the cost model and the target checks of one run.

import type { BundleResult } from './bundle.ts';
import type { CostModel } from './cost-model.ts';
import type { DeployWorkflowResult } from './deploy-workflow-part.ts';
import type { FanOutResult } from './fan-out.ts';
import type { MemoryResult } from './memory.ts';
import type { TargetCheck, TargetSizes } from './targets.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export interface BenchResults {
  readonly schema_version: typeof RESULTS_SCHEMA_VERSION;
  readonly plan: 'full' | 'quick';
  readonly generated_at: string;
  /** How long the bench itself took. */
  readonly bench_wall_time_s: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpu_model: string;
    readonly total_memory_gib: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly farm: {
    readonly ports: number;
    readonly delay_ms: number;
    readonly health_body: string;
    readonly process: string;
  };
  readonly target_sizes: TargetSizes;
  readonly fan_out: FanOutResult;
  readonly memory: MemoryResult;
  readonly bundles: BundleResult;
  readonly cost: CostModel;
  /** Part 5: the deploy flow's time to heal and what one deploy's workflow costs. */
  readonly deploy_workflow: DeployWorkflowResult;
  readonly targets: readonly TargetCheck[];
}
