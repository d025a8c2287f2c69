// What the deploy workflow's state machine (lib/deploy-workflow.ts), its task function (lambda/handlers/workflow/) and
// the clients that start or answer it (the starter, `rollgate deploy`, `rollgate approve|reject`) agree on: the steps a
// task is asked for, the `next` values the state machine routes on, the execution's input and the approval's answer.

/** The starter's own environment variable: the state machine it starts (the other variables are stack-contract.ts's). */
export const DEPLOY_WORKFLOW_ARN_ENV = 'ROLLGATE_DEPLOY_WORKFLOW_ARN';
/** A Standard state machine's ARN. */
export const STATE_MACHINE_ARN_PATTERN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** The `step` field of a task's payload: which step of the deploy flow the task function runs. */
export const WORKFLOW_STEPS = [
  'start',
  'probe_round',
  'decide',
  'request_approval',
  'await_approval',
  'send_rollback',
  'poll_rollback',
  'verify_round',
  'finish',
] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

/** What a step may say comes next (StepAnswer.next); the state machine routes on it with a Choice. */
export const WORKFLOW_NEXT_STEPS = [
  'probe_round',
  'decide',
  'await_approval',
  'send_rollback',
  'poll_rollback',
  'verify_round',
  'finish',
] as const;
export type WorkflowNextStep = (typeof WORKFLOW_NEXT_STEPS)[number];

/** The task states a step's `next` routes to, by state name (what the execution history shows an operator). */
export const TASK_STATE_NAMES: Readonly<Record<Exclude<WorkflowNextStep, 'await_approval'>, string>> = {
  probe_round: 'ProbeRound',
  decide: 'Decide',
  send_rollback: 'SendRollback',
  poll_rollback: 'PollRollback',
  verify_round: 'VerifyRound',
  finish: 'Finish',
};

/** State names the tests and the CLI follow the history by. */
/** The state names: what the execution history shows an operator, and what the CLI and tests follow it by. */
export const WORKFLOW_STATE = {
  start: 'StartDeploy',
  ...TASK_STATE_NAMES,
  requestApproval: 'RequestApproval',
  applyApproval: 'ApplyApproval',
  approvalTimedOut: 'ApprovalTimedOut',
  approvalRejected: 'ApprovalRejected',
  scheduleNextStep: 'ScheduleNextStep',
  waitSeconds: 'WaitSeconds',
  waitUntil: 'WaitUntil',
  routeNextStep: 'RouteNextStep',
  verdict: 'Verdict',
  passed: 'DeployPassed',
  failed: 'DeployFailed',
  skipped: 'DeploySkipped',
  rollgateFailed: 'RollgateFailed',
  refused: 'DeployRefused',
  unknownNextStep: 'UnknownNextStep',
} as const;

/** The execution's input: the deploy event as received (envelope or detail) and the run it is judged as. */
export interface WorkflowExecutionInput {
  readonly event: unknown;
  /** The EventBridge event id, a direct invoke's request id, or the CLI's run id: the evidence names the run by it. */
  readonly run_id: string;
}

/** The output `rollgate approve` or `rollgate reject` sends with SendTaskSuccess to the waiting approval task. */
export interface ApprovalAnswer {
  readonly decision: 'approved' | 'rejected';
  /** Who decided, as the approval item records it. */
  readonly by?: string;
}

/** A SendTaskFailure with this error counts as a rejection (the approval task's Catch routes it so). */
export const APPROVAL_REJECTED_ERROR = 'Rollgate.ApprovalRejected';
