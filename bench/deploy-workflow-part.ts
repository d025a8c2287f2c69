// Part 5, the deploy flow: a healthy deploy and a failed one that its rollback heals, each judged in-process by the
// steps the stack's workflow runs (local-deploy-run.ts), then the time to heal (from the failed verdict to the
// verification that found the service back) and what each deploy's workflow costs on AWS (workflow-cost.ts).

import type { PricesFile } from './cost-model.ts';
import { type DeployScenario, type DeployStepRecord, runLocalDeploy } from './local-deploy-run.ts';
import {
  modelWorkflowCost,
  timeToHeal,
  type TimeToHeal,
  WORKFLOW_COST_ASSUMPTIONS,
  WORKFLOW_COST_NOTES,
  type WorkflowCost,
} from './workflow-cost.ts';

export interface DeployRunSummary {
  readonly scenario: DeployScenario;
  readonly status: string;
  readonly rollback_outcome: string;
  readonly alerts: readonly string[];
  /** Seconds from the deploy's start to its verdict, on the flow's clock. */
  readonly verdict_at_s: number;
  /** How long the run took on this machine (the policy's waits passed on the clock alone). */
  readonly real_wall_ms: number;
  readonly steps: readonly DeployStepRecord[];
}

export interface DeployWorkflowResult {
  readonly runs: readonly DeployRunSummary[];
  readonly time_to_heal: TimeToHeal;
  readonly costs: readonly WorkflowCost[];
  readonly assumptions: typeof WORKFLOW_COST_ASSUMPTIONS;
  readonly notes: readonly string[];
}

export async function measureDeployWorkflow(prices: PricesFile): Promise<DeployWorkflowResult> {
  const healthy = await runLocalDeploy('healthy');
  const healed = await runLocalDeploy('heals_on_rollback');
  if (healthy.status !== 'passed') throw new RangeError(`the healthy deploy was ${healthy.status}`);
  const runs = [healthy, healed];
  return {
    runs: runs.map(({ scenario, status, rollback_outcome, alerts, verdict_at_s, real_wall_ms, steps }) => ({
      scenario,
      status,
      rollback_outcome,
      alerts,
      verdict_at_s,
      real_wall_ms,
      steps,
    })),
    time_to_heal: timeToHeal(healed),
    costs: runs.map((run) => modelWorkflowCost(run, prices)),
    assumptions: WORKFLOW_COST_ASSUMPTIONS,
    notes: [
      'Both deploys run the default window policy (300 s window, 10 s interval, 60 s bake, success 2, failure 3, ' +
        '120 s verification) against a loopback service; the waits pass on the flow clock, the probes, the rollback ' +
        'command and the records run for real.',
      ...WORKFLOW_COST_NOTES,
    ],
  };
}
