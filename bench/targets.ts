// The targets, each checked against its figure from this run. A miss is reported as a miss, never hidden.

import type { BundleResult } from './bundle.ts';
import type { CostModel } from './cost-model.ts';
import type { DeployWorkflowResult } from './deploy-workflow-part.ts';
import type { FanOutResult } from './fan-out.ts';
import type { MemoryResult } from './memory.ts';

export interface TargetSizes {
  /** N of the gate ÷ floor target. */
  readonly fanOut: number;
  /** N of the sequential ÷ gate target. */
  readonly sequential: number;
  /** Endpoints a monitor of the cost target. */
  readonly cost: number;
}

export interface TargetCheck {
  readonly id: string;
  readonly label: string;
  readonly figure: number;
  readonly comparator: '<=' | '>=';
  readonly threshold: number;
  readonly unit: 'ratio' | 'KB' | 'USD' | 's';
  readonly pass: boolean;
}

export const TARGETS = {
  gateOverFloor: 1.15,
  sequentialOverGate: 50,
  rssGateOverFloor: 1.1,
  bundleKb: 150,
  initOverEmpty: 3,
  costPerEndpointMonthUsd: 0.01,
  /** The promotion doc: rollback ≤ 5 minutes from revert to healthy status. */
  timeToHealSeconds: 300,
} as const;

/** 1 KB = 1,024 bytes. */
export const BYTES_PER_KB = 1024;

export interface MeasuredParts {
  readonly fan_out: FanOutResult;
  readonly memory: MemoryResult;
  readonly bundles: BundleResult;
  readonly cost: CostModel;
  readonly deploy_workflow: DeployWorkflowResult;
}

export function evaluateTargets(parts: MeasuredParts, sizes: TargetSizes): TargetCheck[] {
  const point = (n: number) => {
    const found = parts.fan_out.points.find((candidate) => candidate.n === n);
    if (found === undefined) throw new RangeError(`no fan-out measurement at N = ${n}`);
    return found;
  };
  const sequential = point(sizes.sequential).sequential_over_gate;
  if (sequential === undefined) throw new RangeError(`no sequential measurement at N = ${sizes.sequential}`);
  const monitor = parts.cost.monitors.find((candidate) => candidate.endpoints === sizes.cost);
  if (monitor === undefined) throw new RangeError(`no cost model for ${sizes.cost} endpoints a monitor`);

  const checks: Array<Omit<TargetCheck, 'pass'>> = [
    {
      id: 'gate_over_floor',
      label: `gate ÷ raw-fetch floor, N = ${sizes.fanOut} (default concurrency ${parts.fan_out.default_concurrency})`,
      figure: point(sizes.fanOut).gate_over_floor,
      comparator: '<=',
      threshold: TARGETS.gateOverFloor,
      unit: 'ratio',
    },
    {
      id: 'sequential_over_gate',
      label: `sequential ÷ gate, N = ${sizes.sequential}`,
      figure: sequential,
      comparator: '>=',
      threshold: TARGETS.sequentialOverGate,
      unit: 'ratio',
    },
    {
      id: 'rss_gate_over_floor',
      label: `peak RSS gate ÷ floor, N = ${parts.memory.n}`,
      figure: parts.memory.gate_over_floor,
      comparator: '<=',
      threshold: TARGETS.rssGateOverFloor,
      unit: 'ratio',
    },
    ...parts.bundles.handlers.map((bundle) => ({
      id: `bundle_kb_${bundle.name}`,
      label: `${bundle.name} bundle, minified`,
      figure: bundle.bytes / BYTES_PER_KB,
      comparator: '<=' as const,
      threshold: TARGETS.bundleKb,
      unit: 'KB' as const,
    })),
    ...parts.bundles.init.map((init) => ({
      id: `init_over_empty_${init.name}`,
      label: `${init.name} init ÷ empty handler init`,
      figure: init.init_over_empty,
      comparator: '<=' as const,
      threshold: TARGETS.initOverEmpty,
      unit: 'ratio' as const,
    })),
    {
      id: 'cost_per_endpoint_month',
      label: `cost per endpoint-month, 1-minute checks, ${sizes.cost} endpoints a monitor`,
      figure: monitor.per_endpoint_month_usd,
      comparator: '<=',
      threshold: TARGETS.costPerEndpointMonthUsd,
      unit: 'USD',
    },
    {
      id: 'time_to_heal',
      label: 'time to heal: failed verdict to verified recovered, default policy, local run',
      figure: parts.deploy_workflow.time_to_heal.seconds,
      comparator: '<=',
      threshold: TARGETS.timeToHealSeconds,
      unit: 's',
    },
  ];
  return checks.map((check) => ({
    ...check,
    pass: check.comparator === '<=' ? check.figure <= check.threshold : check.figure >= check.threshold,
  }));
}
