// State in one DynamoDB table (layout in core/state/state-table-design.ts): strongly consistent BatchGetItem reads,
// a single change as PutItem/DeleteItem with a ConditionExpression on the revision, several as one TransactWriteItems,
// and list(kind) through the byKind index. A failed condition becomes StateConflictError naming the key; anything
// else DynamoDB refuses becomes StateUnavailableError with the cause.

import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  paginateQuery,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { describeError, errorNameOf } from '../../core/errors.ts';
import { systemClock, type Clock } from '../../core/gate/ports.ts';
import { StateConflictError, StateUnavailableError, type StateConflict } from '../../core/state/state-errors.ts';
import type { StateKey, StateKind } from '../../core/state/state-keys.ts';
import { StateReadResult } from '../../core/state/state-read-result.ts';
import {
  decodeStateRecord,
  prepareStateChanges,
  type PreparedStateChange,
  type StoredStateRecord,
} from '../../core/state/state-record-codec.ts';
import type { StateChange, StateStore } from '../../core/state/state-store.ts';
import {
  STATE_BY_KIND_INDEX,
  STATE_EXPIRES_AT_ATTRIBUTE,
  STATE_ITEM_ATTRIBUTE,
  STATE_KEY_ATTRIBUTE,
  STATE_KIND_ATTRIBUTE,
  STATE_REVISION_ATTRIBUTE,
} from '../../core/state/state-table-design.ts';

/** BatchGetItem's limit per request. */
const MAX_KEYS_PER_BATCH = 100;
/** `rollgate status` lists a kind: at 1 MB a page, far more than any deployment holds. */
const MAX_LIST_PAGES = 100;
export const DEFAULT_UNPROCESSED_KEY_ATTEMPTS = 5;
const FIRST_RETRY_PAUSE_MS = 50;

// Attribute names go through placeholders, so none can collide with a reserved word.
const MUST_NOT_EXIST = 'attribute_not_exists(#pk)';
const MUST_BE_AT_REVISION = '#revision = :expected';

export interface DynamoDbStateStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Requests for keys BatchGetItem left unprocessed (throttling), before StateUnavailableError. @default 5 */
  readonly unprocessedKeyAttempts?: number;
  /** Pause before the first retry of unprocessed keys, doubled each time. @default 50 ms */
  readonly retryPauseMs?: number;
}

export class DynamoDbStateStore implements StateStore {
  public readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly clock: Clock;
  private readonly unprocessedKeyAttempts: number;
  private readonly retryPauseMs: number;

  public constructor(options: DynamoDbStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.unprocessedKeyAttempts = options.unprocessedKeyAttempts ?? DEFAULT_UNPROCESSED_KEY_ATTEMPTS;
    this.retryPauseMs = options.retryPauseMs ?? FIRST_RETRY_PAUSE_MS;
  }

  public async read(keys: readonly StateKey[]): Promise<StateReadResult> {
    const unique = [...new Set(keys)];
    const items: Record<string, AttributeValue>[] = [];
    for (let start = 0; start < unique.length; start += MAX_KEYS_PER_BATCH) {
      items.push(...(await this.batchGet(unique.slice(start, start + MAX_KEYS_PER_BATCH))));
    }
    const now = this.clock.now();
    return new StateReadResult(items.map((item) => decodeStateRecord(recordOf(item), now)));
  }

  public async write(changes: readonly StateChange[]): Promise<void> {
    const prepared = prepareStateChanges(changes);
    if (prepared.length === 0) return;
    try {
      if (prepared.length === 1) await sendSingleWrite(this.client, this.tableName, prepared[0]!);
      else {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: prepared.map((change) => transactItem(this.tableName, change)),
            // Makes the SDK's own retry of a transaction that did commit succeed, not fail its conditions.
            ClientRequestToken: randomUUID(),
          }),
        );
      }
    } catch (error) {
      const conflict = conflictOf(error, prepared);
      if (conflict !== undefined)
        throw new StateConflictError(conflict, { cause: error, errorName: errorNameOf(error) });
      throw new StateUnavailableError(
        `cannot write state to DynamoDB table ${this.tableName}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Through the byKind index, which DynamoDB keeps eventually consistent: a write may show a moment later. */
  public async list(kind: StateKind): Promise<StateReadResult> {
    const items: Record<string, AttributeValue>[] = [];
    try {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          IndexName: STATE_BY_KIND_INDEX,
          KeyConditionExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': STATE_KIND_ATTRIBUTE },
          ExpressionAttributeValues: { ':kind': { S: kind } },
        },
      );
      let pageCount = 0;
      for await (const page of pages) {
        items.push(...(page.Items ?? []));
        pageCount += 1;
        if (pageCount >= MAX_LIST_PAGES) {
          throw new StateUnavailableError(`${this.tableName} holds more than ${MAX_LIST_PAGES} pages of ${kind} items`);
        }
      }
    } catch (error) {
      if (error instanceof StateUnavailableError) throw error;
      throw new StateUnavailableError(
        `cannot list ${kind} state in DynamoDB table ${this.tableName}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    const now = this.clock.now();
    return new StateReadResult(items.map((item) => decodeStateRecord(recordOf(item), now)));
  }

  /** One BatchGetItem of at most 100 keys, asking again for unprocessed keys a bounded number of times. */
  private async batchGet(keys: readonly string[]): Promise<Record<string, AttributeValue>[]> {
    const found: Record<string, AttributeValue>[] = [];
    let pending: Record<string, AttributeValue>[] = keys.map((key) => ({ [STATE_KEY_ATTRIBUTE]: { S: key } }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > this.unprocessedKeyAttempts) {
        throw new StateUnavailableError(
          `DynamoDB table ${this.tableName} left ${pending.length} state keys unprocessed after ${this.unprocessedKeyAttempts} attempts`,
          { errorName: 'UnprocessedKeys' },
        );
      }
      if (attempt > 1) await sleep(this.retryPauseMs * 2 ** (attempt - 2));
      try {
        const response = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(response.Responses?.[this.tableName] ?? []));
        pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      } catch (error) {
        throw new StateUnavailableError(
          `cannot read state from DynamoDB table ${this.tableName}: ${describeError(error)}`,
          {
            cause: error,
          },
        );
      }
    }
    return found;
  }
}

/** One change on its own: PutItem or DeleteItem, with the same condition a transaction would carry. */
async function sendSingleWrite(client: DynamoDBClient, tableName: string, change: PreparedStateChange): Promise<void> {
  // ALL_OLD puts the item that failed the condition into the error, so the conflict can say which revision it found.
  const common = {
    TableName: tableName,
    ...conditionOf(change),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  if (change.op === 'delete') {
    await client.send(new DeleteItemCommand({ ...common, Key: { [STATE_KEY_ATTRIBUTE]: { S: change.key } } }));
  } else {
    await client.send(new PutItemCommand({ ...common, Item: itemOf(change) }));
  }
}

function transactItem(tableName: string, change: PreparedStateChange): TransactWriteItem {
  const common = {
    TableName: tableName,
    ...conditionOf(change),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  if (change.op === 'delete') return { Delete: { ...common, Key: { [STATE_KEY_ATTRIBUTE]: { S: change.key } } } };
  return { Put: { ...common, Item: itemOf(change) } };
}

function conditionOf(change: PreparedStateChange): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  if (change.expectedRevision === undefined) {
    return { ConditionExpression: MUST_NOT_EXIST, ExpressionAttributeNames: { '#pk': STATE_KEY_ATTRIBUTE } };
  }
  return {
    ConditionExpression: MUST_BE_AT_REVISION,
    ExpressionAttributeNames: { '#revision': STATE_REVISION_ATTRIBUTE },
    ExpressionAttributeValues: { ':expected': { N: String(change.expectedRevision) } },
  };
}

function itemOf(change: PreparedStateChange): Record<string, AttributeValue> {
  return {
    [STATE_KEY_ATTRIBUTE]: { S: change.key },
    [STATE_KIND_ATTRIBUTE]: { S: change.kind },
    [STATE_REVISION_ATTRIBUTE]: { N: String(change.revision) },
    [STATE_ITEM_ATTRIBUTE]: { S: change.document! },
    ...(change.expiresAt === undefined ? {} : { [STATE_EXPIRES_AT_ATTRIBUTE]: { N: String(change.expiresAt) } }),
  };
}

/** A stored item in the codec's terms; attributes of the wrong type are passed on as found, for it to refuse. */
function recordOf(item: Record<string, AttributeValue>): StoredStateRecord {
  const expiresAt = item[STATE_EXPIRES_AT_ATTRIBUTE];
  return {
    key: item[STATE_KEY_ATTRIBUTE]?.S ?? '',
    document: item[STATE_ITEM_ATTRIBUTE]?.S,
    revision: numberOf(item[STATE_REVISION_ATTRIBUTE]),
    ...(expiresAt === undefined ? {} : { expiresAt: numberOf(expiresAt) ?? expiresAt.S ?? 'not a number' }),
    kind: item[STATE_KIND_ATTRIBUTE]?.S,
  };
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  return value?.N === undefined ? undefined : Number(value.N);
}

/** The conflict a DynamoDB error reports, naming the first change whose condition failed; undefined for other errors. */
function conflictOf(error: unknown, changes: readonly PreparedStateChange[]): StateConflict | undefined {
  const name = errorNameOf(error);
  if (name === 'ConditionalCheckFailedException') {
    const old = (error as { Item?: Record<string, AttributeValue> }).Item;
    return conflictFor(changes[0]!, old);
  }
  if (name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] })
    .CancellationReasons;
  const index = reasons?.findIndex(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
  if (reasons === undefined || index === undefined || index < 0 || changes[index] === undefined) return undefined;
  return conflictFor(
    changes[index],
    reasons[index]!.Code === 'ConditionalCheckFailed' ? reasons[index]!.Item : undefined,
  );
}

/** With ALL_OLD, DynamoDB returns the item that failed the condition, and no item when there was none. */
function conflictFor(change: PreparedStateChange, old: Record<string, AttributeValue> | undefined): StateConflict {
  const revision = old === undefined ? null : numberOf(old[STATE_REVISION_ATTRIBUTE]);
  return {
    key: change.key,
    expectedRevision: change.expectedRevision,
    ...(revision === undefined ? {} : { foundRevision: revision }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
