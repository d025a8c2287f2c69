// The workflow task handler in-process for the tests: a world (moto bucket, topic, state table, rollback document,
// registry) with one loopback service whose behaviour the test switches (warming up, breaking, healing when the
// rollback is sent), and a driver that runs the handler step after step as the state machine would, honouring the
// waits it answers (bounded), and records every payload and answer. The answers are what the state machine tests queue.
import { randomUUID } from 'node:crypto';
import type { WorkflowExecutionInput, WorkflowStep } from '../../../../lambda/core/config/deploy-workflow-contract.ts';
import type { FinishAnswer, StepAnswer } from '../../../../lambda/core/deploy/deploy-progress.ts';
import type { WorkflowTaskAnswer } from '../../../../lambda/handlers/workflow/run-workflow-step.ts';
import { runInstances, uniqueName } from '../../../support/aws-fixtures.ts';
import { healthyService, type RouteHandler, sendJson } from '../../../support/loopback-server.ts';
import {
  createHandlerWorld,
  deployEvent,
  type HandlerWorld,
  lambdaContext,
  loadHandler,
  loopbackService,
  registerServices,
  serve,
} from '../handler-harness.ts';

const HANDLER = '../../../lambda/handlers/workflow/workflow-task.ts';
/** A healthy deploy passes after 2 rounds a second apart; a broken one fails after 2; verification the same. */
export const FAST_WINDOW = {
  windowSeconds: 10,
  intervalSeconds: 1,
  bakeSeconds: 0,
  successThreshold: 2,
  failureThreshold: 2,
  verifySeconds: 10,
} as const;
const MAX_STEPS = 60;
/** A wait the driver honours at most: the fast window's interval, with room. */
const MAX_WAIT_MS = 1_500;

export type TaskHandler = (payload: unknown, context?: ReturnType<typeof lambdaContext>) => Promise<WorkflowTaskAnswer>;

/** What the switchable service answers: its version, healthy or not, or (503) whatever a request header held. */
export type ServiceBehaviour =
  | { readonly version: string }
  | { readonly status: number }
  | { readonly echoHeader: string };

export interface WorkflowWorld {
  readonly world: HandlerWorld;
  readonly service: string;
  readonly handler: TaskHandler;
  /** Changes what the service answers from the next request on. */
  behave(behaviour: ServiceBehaviour): void;
  /** The execution input a deploy event of version 1.4.2 (previous 1.4.1) gives. */
  readonly input: WorkflowExecutionInput;
}

export interface WorkflowWorldOptions {
  readonly behaviour: ServiceBehaviour;
  /** Headers of the registered target (an `{ ssm }` reference for a secret). */
  readonly headers?: Record<string, unknown>;
  readonly rollback?: { readonly mode: 'auto' | 'approve' | 'off'; readonly approvalTimeoutMinutes?: number };
}

export async function createWorkflowWorld(options: WorkflowWorldOptions): Promise<WorkflowWorld> {
  const world = await createHandlerWorld();
  const service = uniqueName('svc');
  await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
  let behaviour = options.behaviour;
  const route: RouteHandler = (request, response) => {
    if ('version' in behaviour) return healthyService(behaviour.version)(request, response);
    if ('echoHeader' in behaviour) {
      const echoed = String(request.headers[behaviour.echoHeader] ?? '');
      response.writeHead(503, { 'content-type': 'application/json', location: `/login?token=${echoed}` });
      response.end(JSON.stringify({ status: echoed, version: echoed, error: `bad ${echoed}` }));
      return;
    }
    sendJson(response, behaviour.status, { status: 'down' });
  };
  const server = await serve(route);
  registerServices(
    world,
    loopbackService(service, server.url('/health'), {
      ...(options.headers !== undefined
        ? { targets: [{ url: server.url('/health'), allowPrivate: true, headers: options.headers as never }] }
        : {}),
      window: FAST_WINDOW,
      rollback: { waitSeconds: 60, ...(options.rollback ?? { mode: 'auto' }) },
    }),
  );
  const handler = (await loadHandler(HANDLER, world.env)) as unknown as TaskHandler;
  const event = deployEvent(service);
  return {
    world,
    service,
    handler,
    behave: (next) => {
      behaviour = next;
    },
    input: { event, run_id: event.id },
  };
}

export interface DrivenStep {
  readonly step: WorkflowStep;
  /** What the step was sent besides the step and the input (progress, task token, approval). */
  readonly sent: Readonly<Record<string, unknown>>;
  readonly answer: WorkflowTaskAnswer;
}

export interface DriveOptions {
  /** Called after each step with its answer (a service that heals once the rollback is sent). */
  readonly afterStep?: (step: DrivenStep) => void;
  /** How the approval ends, when one is asked for. */
  readonly approval?: 'approved' | 'rejected' | 'timed_out';
  /** Stop after this step (its answer is the last recorded); the result then has no final answer. */
  readonly stopAfter?: WorkflowStep;
}

/** What driving the flow recorded: every step, and the finish's answer (undefined when stopped early). */
export interface DrivenFlow {
  readonly steps: DrivenStep[];
  readonly final: FinishAnswer | undefined;
}

/** Runs the flow in-process, step by step as the state machine routes it, to its end or `stopAfter`. */
export async function driveWorkflow(world: WorkflowWorld, options: DriveOptions = {}): Promise<DrivenFlow> {
  const steps: DrivenStep[] = [];
  const run = async (step: WorkflowStep, sent: Record<string, unknown> = {}): Promise<WorkflowTaskAnswer> => {
    const answer = await world.handler({ step, input: world.input, ...sent }, lambdaContext());
    const driven = { step, sent, answer };
    steps.push(driven);
    options.afterStep?.(driven);
    return answer;
  };
  const stopped = () => steps.at(-1)?.step === options.stopAfter;
  let answer = (await run('start')) as StepAnswer;
  for (let count = 0; count < MAX_STEPS && !stopped(); count += 1) {
    await waitAsAnswered(answer);
    const { progress, next } = answer;
    if (next === 'finish') return { steps, final: (await run('finish', { progress })) as FinishAnswer };
    if (next === 'await_approval') {
      await run('request_approval', { progress, task_token: `token-${randomUUID()}` });
      if (stopped()) break;
      answer = (await run('await_approval', {
        progress,
        approval: { decision: options.approval ?? 'timed_out' },
      })) as StepAnswer;
      continue;
    }
    if (next === 'done') throw new Error('a step answered done before finish');
    answer = (await run(next, { progress })) as StepAnswer;
  }
  if (stopped()) return { steps, final: undefined };
  throw new Error(`the flow did not finish within ${MAX_STEPS} steps`);
}

async function waitAsAnswered(answer: StepAnswer): Promise<void> {
  const ms =
    answer.wait_until !== undefined
      ? Date.parse(answer.wait_until) - Date.now()
      : answer.wait_seconds !== undefined
        ? answer.wait_seconds * 1000
        : 0;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_WAIT_MS)));
}

/** The steps' names in order: the path the flow took. */
export function stepPath(steps: readonly DrivenStep[]): WorkflowStep[] {
  return steps.map((step) => step.step);
}
