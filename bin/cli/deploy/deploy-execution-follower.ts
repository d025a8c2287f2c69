// Follows one deploy workflow execution to its end for `rollgate deploy --wait`: polls DescribeExecution and the
// history, hands each event it has not seen yet to the caller in order, and gives up at the deadline. Every loop is
// bounded; the polling interval grows to a ceiling so a short deploy is seen quickly and a long one costs few calls.

import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { InterruptSignal } from '../../../lambda/core/verdict/verdict.ts';
import { stopSignalOf } from '../stop-signal.ts';
import { sleep } from '../../../lambda/core/sleep.ts';

const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;
/** Pages read per poll (1000 events each): a history longer than that shows only its first events. */
const MAX_PAGES_PER_POLL = 20;

/** How the execution ended, or that the deadline or a stop (SIGINT, SIGTERM) came first. */
export type ExecutionEnd =
  | { readonly state: 'SUCCEEDED'; readonly output: unknown }
  | { readonly state: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; readonly error?: string; readonly cause?: string }
  | { readonly state: 'still_running' }
  | { readonly state: 'stopped'; readonly signal: InterruptSignal };

export interface FollowOptions {
  /** Stop following (the execution goes on) this many ms from now. */
  readonly timeoutMs: number;
  /** Each new history event, oldest first. */
  readonly onEvent: (event: HistoryEvent) => void;
  /** Aborted (with the signal's name as its reason) to stop following at once; the execution goes on. */
  readonly stop?: AbortSignal;
  /** Waits `ms`, or less when `stop` aborts meanwhile. */
  readonly sleep?: (ms: number, stop?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

export async function followExecution(
  client: SFNClient,
  executionArn: string,
  options: FollowOptions,
): Promise<ExecutionEnd> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const { stop } = options;
  const deadline = now() + options.timeoutMs;
  let lastSeenId = 0;
  let pollMs = FIRST_POLL_MS;
  // Bounded by the deadline: each pass sleeps at least FIRST_POLL_MS.
  for (;;) {
    if (stop?.aborted === true) return { state: 'stopped', signal: stopSignalOf(stop) };
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    for (const event of await newEvents(client, executionArn, lastSeenId)) {
      lastSeenId = Math.max(lastSeenId, event.id ?? 0);
      options.onEvent(event);
    }
    switch (execution.status) {
      case 'SUCCEEDED':
        return { state: 'SUCCEEDED', output: parseOutput(execution.output) };
      case 'FAILED':
      case 'TIMED_OUT':
      case 'ABORTED':
        return {
          state: execution.status,
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
        };
      default:
        break;
    }
    const left = deadline - now();
    if (left <= 0) return { state: 'still_running' };
    await wait(Math.min(pollMs, left), stop);
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
}

/**
 * The events after `lastSeenId`, oldest first. The history is read from its start each poll (one page for hundreds of
 * rounds), never newest first: moto, like any client that ignores reverseOrder, would then hide every new event.
 */
async function newEvents(client: SFNClient, executionArn: string, lastSeenId: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
    const answer = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    fresh.push(...(answer.events ?? []).filter((event) => (event.id ?? 0) > lastSeenId));
    nextToken = answer.nextToken;
    if (nextToken === undefined) break;
  }
  return fresh;
}

function parseOutput(output: string | undefined): unknown {
  if (output === undefined) return undefined;
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}
