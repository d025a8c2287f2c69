// A moto_server of the test file's own that runs state machines for real (moto's Step Functions interpreter) and
// answers their Lambda tasks from a queue, with the deploy workflow's definition created on it. The queue and the
// config are server-wide, hence a server of its own: the run's shared moto_server is never touched.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import { deployWorkflowAsl } from './deploy-workflow-asl.ts';
import { startOwnMotoServer } from './moto-global-setup.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const POLL_MS = 100;
/** moto runs an execution on a thread of its own; a test's whole path (tiny waits) ends well within this. */
const EXECUTION_POLLS = 300;

export interface StepFunctionsMoto {
  readonly endpoint: string;
  readonly sfn: SFNClient;
  /** The deploy workflow created on this server. */
  readonly stateMachineArn: string;
  /** Appends answers for the next Lambda invocations, in order (each invocation takes the oldest). */
  queueTaskResults(results: readonly unknown[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startStepFunctionsMoto(timeout = Duration.minutes(10)): Promise<StepFunctionsMoto> {
  const moto = await startOwnMotoServer();
  try {
    await postJson(`${moto.endpoint}/moto-api/config`, {
      stepfunctions: { execute_state_machine: true },
      lambda: { use_docker: false },
    });
    const sfn = new SFNClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'rollgate-deploy',
        definition: JSON.stringify(deployWorkflowAsl(timeout)),
        roleArn: `arn:aws:iam::${ACCOUNT}:role/rollgate-deploy-workflow`,
        type: 'STANDARD',
      }),
    );
    return {
      endpoint: moto.endpoint,
      sfn,
      stateMachineArn: created.stateMachineArn!,
      queueTaskResults: (results) =>
        postJson(`${moto.endpoint}/moto-api/static/lambda-simple/response`, {
          account_id: ACCOUNT,
          region: REGION,
          results: results.map((result) => JSON.stringify(result)),
        }),
      stop: async () => {
        sfn.destroy();
        await moto.stop();
      },
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`POST ${url} answered HTTP ${response.status}`);
}

/** Every event of an execution's history, oldest first, all pages. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const answer = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(answer.events ?? []));
    nextToken = answer.nextToken;
    if (nextToken === undefined) break;
  }
  return events;
}

/** The names of the states the execution entered, in order: the path it took. */
export function statePath(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
}

/** The task token the approval task was given (what its step stores in the approval item), once it is waiting. */
export function approvalTaskToken(events: readonly HistoryEvent[]): string | undefined {
  for (const event of events) {
    const details = event.taskScheduledEventDetails;
    if (details?.resource !== 'invoke.waitForTaskToken' || details.parameters === undefined) continue;
    return (JSON.parse(details.parameters) as { Payload: { task_token: string } }).Payload.task_token;
  }
  return undefined;
}

/**
 * Polls until the execution ends, calling `whilePolling` with its history on each round (to answer an approval), and
 * returns how it ended. Bounded: a stuck execution fails the test rather than hanging it.
 */
export async function awaitExecutionEnd(
  sfn: SFNClient,
  executionArn: string,
  whilePolling: (events: HistoryEvent[]) => Promise<void> = async () => {},
): Promise<{ execution: DescribeExecutionCommandOutput; events: HistoryEvent[] }> {
  for (let poll = 0; poll < EXECUTION_POLLS; poll += 1) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await executionHistory(sfn, executionArn);
    if (execution.status !== 'RUNNING') return { execution, events };
    await whilePolling(events);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`execution ${executionArn} still running after ${EXECUTION_POLLS} polls`);
}
