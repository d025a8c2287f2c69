// Runs every step of a bench plan in order and assembles results.json. Bundles and cold starts come first, before the
// farm exists, so nothing else runs beside the init children; the farm is stopped whatever happens.

import { cpus, totalmem } from 'node:os';
import type { BenchPlan } from './bench-plan.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults } from './bench-results.ts';
import { measureBundles } from './bundle.ts';
import { measureDeployWorkflow } from './deploy-workflow-part.ts';
import { loadPrices, modelCosts, type CostRunInput } from './cost-model.ts';
import { measureFanOut, type FanOutResult } from './fan-out.ts';
import { FARM_HEALTH_BODY } from './farm-urls.ts';
import { measureMemory, type MemoryResult } from './memory.ts';
import { startServiceFarm } from './service-farm.ts';
import { measureStateTableUsage } from './state-table-usage.ts';
import { evaluateTargets } from './targets.ts';

const COST_HANDLER = 'scheduled-check';

export async function runBench(plan: BenchPlan, log: (line: string) => void): Promise<BenchResults> {
  const started = performance.now();
  // A broken prices.json should stop the bench before minutes of measuring, not after.
  const prices = await loadPrices();

  log('part 3: building bundles and measuring handler init');
  const bundles = await measureBundles(plan.bundle, log);

  log(`starting the service farm (${plan.farm.ports} ports, ${plan.farm.delayMs} ms a response)`);
  const farm = await startServiceFarm(plan.farm);
  let fanOut: FanOutResult;
  let memory: MemoryResult;
  try {
    log('part 1: probe fan-out');
    fanOut = await measureFanOut(farm.urls, plan.fanOut, log);
    log('part 2: memory');
    memory = await measureMemory(farm.ports, plan.memory, log);
  } finally {
    await farm.stop();
  }

  const costRuns = plan.costSizes.map((n): CostRunInput => {
    const point = fanOut.points.find((candidate) => candidate.n === n);
    if (point === undefined) throw new RangeError(`cost size ${n} was not measured in part 1`);
    return {
      n,
      wall_ms: point.gate.wall_ms.median,
      cpu_ms: point.gate.cpu_ms.median,
      evidence_bytes: point.evidence_bytes,
    };
  });
  const handlerInit = bundles.init.find((init) => init.name === COST_HANDLER);
  if (handlerInit === undefined) throw new RangeError(`no init measurement for ${COST_HANDLER}`);
  log('part 4: state table calls of a monitor run, a deploy and a rollback');
  const stateUsage = await measureStateTableUsage();
  const cost = modelCosts(costRuns, handlerInit.ready_ms.median, prices, stateUsage);
  log('part 5: the deploy flow in-process: a healthy deploy, and a failed one its rollback heals');
  const deployWorkflow = await measureDeployWorkflow(prices);
  const targets = evaluateTargets(
    { fan_out: fanOut, memory, bundles, cost, deploy_workflow: deployWorkflow },
    plan.targetSizes,
  );

  return {
    schema_version: RESULTS_SCHEMA_VERSION,
    plan: plan.name,
    generated_at: new Date().toISOString(),
    bench_wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
      total_memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    farm: {
      ports: plan.farm.ports,
      delay_ms: plan.farm.delayMs,
      health_body: FARM_HEALTH_BODY,
      process: 'separate child process (node:http on 127.0.0.1)',
    },
    target_sizes: plan.targetSizes,
    fan_out: fanOut,
    memory,
    bundles,
    cost,
    deploy_workflow: deployWorkflow,
    targets,
  };
}
