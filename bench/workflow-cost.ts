// Part 5, cost: what one deploy's workflow costs on AWS, from the steps a local run of the same flow took (part 5's
// runs) and the list prices in bench/prices.json. The state transitions follow the definition's shape, which
// test/lib/deploy-workflow-execution.test.ts shows moto taking for each path: every step is a Task, then the Choice
// that schedules it, its Wait when the answer asks for one, and the Choice that routes on `next`; Finish, the verdict's
// Choice and its Succeed end it. Every assumption is named here and written to results.json with its reason.

import type { PricesFile } from './cost-model.ts';
import type { LocalDeployRun } from './local-deploy-run.ts';

export const WORKFLOW_COST_ASSUMPTIONS = {
  memory_mb: 256,
  /** A task bills at least this: its AWS calls (S3, DynamoDB, SNS, SSM) and real endpoints' latency, which loopback lacks. */
  min_task_billed_ms: 200,
  /** The starter: validate an event, one StartExecution. */
  starter_billed_ms: 100,
  /** At level ALL with execution data, each state entered and exited logs the state. */
  log_events_per_transition: 2,
  bytes_per_gb: 2 ** 30,
} as const;

export const WORKFLOW_COST_NOTES: readonly string[] = [
  'State transitions at Standard Workflows pricing: each state entered counts, from StartDeploy to the Succeed that ' +
    'names the verdict (Task, ScheduleNextStep, the Wait when asked, RouteNextStep per step; Finish, Verdict, Succeed).',
  'Lambda: one invocation per step plus the starter, 256 MB arm64; a task bills its measured time or 200 ms, whichever ' +
    'is more (its AWS calls and real endpoints are slower than loopback), the starter 100 ms.',
  'S3: one PUT per evidence record the run wrote (the verdict, and the rollback record after a rollback).',
  "CloudWatch Logs: the state machine's ALL-level log with execution data, two events per transition each the size of " +
    "the step's answer (the progress), at the ingestion price; the functions' own log lines are not counted.",
  'The state table and alerts are priced in part 4 (a deploy, a rollback), and are not repeated here.',
];

export interface WorkflowCost {
  readonly scenario: string;
  readonly steps: number;
  readonly state_transitions: number;
  readonly lambda_invocations: number;
  readonly lambda_gb_seconds: number;
  readonly s3_puts: number;
  readonly log_bytes: number;
  readonly usd: {
    readonly state_transitions: number;
    readonly lambda_requests: number;
    readonly lambda_duration: number;
    readonly s3_puts: number;
    readonly logs: number;
    readonly total: number;
  };
}

export function modelWorkflowCost(run: LocalDeployRun, prices: PricesFile): WorkflowCost {
  const a = WORKFLOW_COST_ASSUMPTIONS;
  const p = prices.prices;
  const transitions = stateTransitions(run);
  const gb = a.memory_mb / 1024;
  const taskSeconds = run.steps.reduce(
    (sum, step) => sum + Math.ceil(Math.max(step.step_ms, a.min_task_billed_ms)) / 1000,
    0,
  );
  const gbSeconds = (taskSeconds + a.starter_billed_ms / 1000) * gb;
  const invocations = run.steps.length + 1;
  const meanState = run.steps.reduce((sum, step) => sum + step.answer_bytes, 0) / Math.max(1, run.steps.length);
  const logBytes = transitions * a.log_events_per_transition * meanState;
  const usd = {
    state_transitions: transitions * p.stepfunctions_standard_state_transition.usd,
    lambda_requests: invocations * p.lambda_request.usd,
    lambda_duration: gbSeconds * p.lambda_arm64_gb_second.usd,
    s3_puts: run.evidence_writes * p.s3_standard_put.usd,
    logs: (logBytes / a.bytes_per_gb) * p.cloudwatch_logs_ingestion_gb.usd,
  };
  return {
    scenario: run.scenario,
    steps: run.steps.length,
    state_transitions: transitions,
    lambda_invocations: invocations,
    lambda_gb_seconds: gbSeconds,
    s3_puts: run.evidence_writes,
    log_bytes: Math.round(logBytes),
    usd: { ...usd, total: Object.values(usd).reduce((sum, value) => sum + value, 0) },
  };
}

/** The states the workflow enters for the run's steps (see the module comment for the shape). */
export function stateTransitions(run: Pick<LocalDeployRun, 'steps'>): number {
  return run.steps.reduce((sum, step) => {
    if (step.step === 'finish') return sum + 3;
    return sum + 3 + (step.wait === 'none' ? 0 : 1);
  }, 0);
}

/** From the failed verdict to the verification that found the service back: the figure against the 5-minute goal. */
export interface TimeToHeal {
  readonly seconds: number;
  readonly goal_seconds: number;
  readonly verdict_at_s: number;
  readonly recovered_at_s: number;
  readonly rollback_polls: number;
  readonly verification_rounds: number;
  readonly policy: LocalDeployRun['policy'];
}

export const HEAL_GOAL_SECONDS = 300;

export function timeToHeal(run: LocalDeployRun): TimeToHeal {
  if (run.recovered_at_s === undefined) {
    throw new RangeError(`the ${run.scenario} run did not recover (rollback ${run.rollback_outcome})`);
  }
  return {
    seconds: Math.round((run.recovered_at_s - run.verdict_at_s) * 10) / 10,
    goal_seconds: HEAL_GOAL_SECONDS,
    verdict_at_s: run.verdict_at_s,
    recovered_at_s: run.recovered_at_s,
    rollback_polls: run.steps.filter((step) => step.step === 'poll_rollback').length,
    verification_rounds: run.steps.filter((step) => step.step === 'verify_round').length,
    policy: run.policy,
  };
}
