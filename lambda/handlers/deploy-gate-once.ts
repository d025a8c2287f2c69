// The deploy gate at most once per deploy event. EventBridge delivers at least once, and a second delivery must not
// probe again, roll back again or alert again: Powertools Idempotency keeps one record per event in DynamoDB
// (ROLLGATE_IDEMPOTENCY_TABLE). Only a validated event gets here, so garbage never writes a record; a run that
// throws has its record deleted, so an error is never replayed as if it were the verdict.
//
// - A duplicate after the first run finished gets that run's stored response; nothing runs.
// - A duplicate while the first still runs fails with DeployGateInProgressError: no second gate, and the event goes to
//   the dead-letter queue with that message. A response would be a verdict the duplicate never reached, and on an
//   async invoke nobody reads it; in the queue the event is safe to redrive (it then gets the stored response).
// - The in-progress record lapses when the first invocation's time runs out, so a run that timed out or crashed does
//   not block a retry for a day.
// - When the store itself fails (a missing or unreadable table, throttling, a denied key), the gate still runs, with
//   the fault: it probes, records and alerts, but takes no automatic rollback, since nothing then stops a redelivery
//   from rolling back a second time. A store that fails only after the gate ran gets the fault added to the response.

import type { Context } from 'aws-lambda';
import type { DeployEvent } from '../core/config/deploy-event-schema.ts';
import { deployIdempotencyKey } from '../core/config/deploy-idempotency-key.ts';
import { RollgateError, describeError, errorNameOf } from '../core/errors.ts';
import type { PortProblem } from '../core/gate/gate.ts';
import { redactSecretsInText } from '../core/secrets/redact.ts';
import type { GateResponse } from './gate-response.ts';
import { lazily } from './lazily.ts';

/** How long a finished run's response answers duplicates: EventBridge stops retrying a delivery after 24 hours. */
export const IDEMPOTENCY_RECORD_SECONDS = 24 * 60 * 60;
/** Not the function's name (Powertools' default), so replacing or renaming the function keeps the records valid. */
const KEY_PREFIX = 'rollgate-deploy-gate';

/** A duplicate of a deploy event arrived while the first delivery's gate was still running. */
export class DeployGateInProgressError extends RollgateError {
  public constructor(event: DeployEvent, options: { cause?: unknown }) {
    super(
      `deploy event ${event.eventId} (${event.deploy.service}/${event.deploy.environment} v${event.deploy.version}) ` +
        'is a duplicate of one whose gate is still running; no second gate was started. Redriving it after that gate ' +
        'finishes returns its response.',
      options,
    );
    this.name = 'DeployGateInProgressError';
  }
}

export interface DeployGateOnceOptions {
  readonly tableName: string;
  /** Called when a duplicate is answered with the stored response of an earlier run. */
  readonly onDuplicate: (response: GateResponse) => void;
}

export type DeployGateOnce = (event: DeployEvent, context: Context | undefined) => Promise<GateResponse>;

/** The gate itself; `safetyFaults` names the idempotency store when it failed, so the gate withholds the rollback. */
export type DeployGateRun = (
  event: DeployEvent,
  context: Context | undefined,
  safetyFaults: readonly PortProblem[],
) => Promise<GateResponse>;

/** What one invocation's gate did, seen from outside Powertools: whether it ran, and its response. */
interface Invocation {
  readonly context: Context | undefined;
  ran: boolean;
  response?: GateResponse;
}

/**
 * Wraps `run` so each deploy event runs it once. The DynamoDB persistence layer (and its SDK client) is made on the
 * first invocation, not at cold start; see aws-clients.ts for why.
 */
export function deployGateOnce(run: DeployGateRun, options: DeployGateOnceOptions): DeployGateOnce {
  // Powertools Idempotency (and its JMESPath engine) loads on the first invocation, keeping it out of the cold start.
  const idempotentRun = lazily(async () => {
    const { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyUnknownError, makeIdempotent } =
      await import('@aws-lambda-powertools/idempotency');
    const { DynamoDBPersistenceLayer } = await import('@aws-lambda-powertools/idempotency/dynamodb');
    const config = new IdempotencyConfig({
      expiresAfterSeconds: IDEMPOTENCY_RECORD_SECONDS,
      responseHook: (response) => {
        options.onDuplicate(response as unknown as GateResponse);
        return response;
      },
    });
    // Only the key (the first argument) is hashed; the invocation rides along so the wrapper can tell what ran.
    const once = makeIdempotent(
      async (_key: string, event: DeployEvent, invocation: Invocation) => {
        invocation.ran = true;
        invocation.response = await run(event, invocation.context, []);
        return invocation.response;
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: options.tableName }),
        config,
        keyPrefix: KEY_PREFIX,
      },
    );
    return { config, once, IdempotencyAlreadyInProgressError, IdempotencyUnknownError };
  });
  return async (event, context) => {
    const { config, once, IdempotencyAlreadyInProgressError, IdempotencyUnknownError } = await idempotentRun();
    if (context !== undefined) config.registerLambdaContext(context);
    const invocation: Invocation = { context, ran: false };
    try {
      return await once(deployIdempotencyKey(event.origin, event.deploy), event, invocation);
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new DeployGateInProgressError(event, { cause: error });
      }
      // Every other Powertools idempotency error is the store failing; the gate's own errors pass through as they are.
      if (!(error instanceof IdempotencyUnknownError)) throw error;
      const fault = idempotencyFault(error);
      if (!invocation.ran) return run(event, context, [fault]);
      if (invocation.response === undefined) throw error;
      const { port, error_name, message } = fault;
      return { ...invocation.response, faults: [...(invocation.response.faults ?? []), { port, error_name, message }] };
    }
  };
}

/** The store's failure as the gate records it: the AWS error at the root of Powertools' wrapping, redacted. */
export function idempotencyFault(error: Error): PortProblem {
  let root: unknown = error;
  for (let depth = 0; depth < 5 && root instanceof Error && root.cause !== undefined; depth += 1) root = root.cause;
  const message = root === error ? error.message : `${error.message}: ${describeError(root)}`;
  return { port: 'idempotency', error_name: errorNameOf(root), message: redactSecretsInText(message), cause: error };
}
