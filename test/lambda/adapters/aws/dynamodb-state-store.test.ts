// The DynamoDB store against moto_server through the real SDK: the StateStore contract, the table layout it writes,
// concurrent conditional writers (exactly one wins), and StateUnavailableError for a missing table. aws-sdk-client-mock
// only for what moto cannot produce: keys left unprocessed, a transaction cancelled for throttling.
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../../../lambda/adapters/aws/dynamodb-state-store.ts';
import { StateConflictError, StateUnavailableError } from '../../../../lambda/core/state/state-errors.ts';
import { monitorStateKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import { awsClientConfig, motoClients, uniqueName } from '../../../support/aws-fixtures.ts';
import { createStateTable } from '../../../support/state-table-fixture.ts';
import { describeStateStoreContract, monitorState, serviceState } from '../state-store-contract.ts';

const WRITERS = 8;

describeStateStoreContract('DynamoDbStateStore', async (clock) => {
  const tableName = await createStateTable();
  const open = () => new DynamoDbStateStore({ client: new DynamoDBClient(awsClientConfig()), tableName, clock });
  return {
    store: open(),
    reopen: open,
    plant: async ({ key, document, revision, expiresAt }) => {
      await motoClients().dynamodb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: key },
            kind: { S: key.slice(0, key.indexOf('#')) },
            revision: { N: String(revision) },
            item: { S: document },
            ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
          },
        }),
      );
    },
  };
});

async function storeWithTable(): Promise<{ store: DynamoDbStateStore; tableName: string }> {
  const tableName = await createStateTable();
  return { store: new DynamoDbStateStore({ client: new DynamoDBClient(awsClientConfig()), tableName }), tableName };
}

describe('DynamoDbStateStore against moto', () => {
  it('stores an item as pk, kind, revision, the JSON text and the expiry in epoch seconds', async () => {
    const { store, tableName } = await storeWithTable();
    const key = monitorStateKey('checkout');

    await store.write([putState(key, monitorState(), undefined, { expiresAt: new Date('2026-01-07T10:05:00.250Z') })]);

    const { Item } = await motoClients().dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } } }),
    );
    expect(Item).toEqual({
      pk: { S: 'monitor#checkout' },
      kind: { S: 'monitor' },
      revision: { N: '1' },
      item: { S: JSON.stringify(monitorState()) },
      expiresAt: { N: String(Date.parse('2026-01-07T10:05:01Z') / 1000) },
    });
  });

  it.each([
    ['single-item', 1],
    ['multi-item', 2],
  ])(`lets exactly one of ${WRITERS} concurrent %s writers at the same revision win`, async (_name, items) => {
    const { store } = await storeWithTable();
    const keys = [monitorStateKey('race'), monitorStateKey('race-2')].slice(0, items);
    await store.write(keys.map((key) => putState(key, monitorState(), undefined)));

    const outcomes = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, writer) =>
        store.write(keys.map((key) => putState(key, monitorState({ consecutiveSuccesses: writer + 2 }), 1))),
      ),
    );

    const winners = outcomes.flatMap((outcome, writer) => (outcome.status === 'fulfilled' ? [writer] : []));
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(StateConflictError);
    }
    const found = await store.read(keys);
    for (const key of keys) {
      expect(found.get(key)).toEqual({ value: monitorState({ consecutiveSuccesses: winners[0]! + 2 }), revision: 2 });
    }
  });

  it('reports an item filed under another kind than its key as invalid', async () => {
    const { store, tableName } = await storeWithTable();
    const key = monitorStateKey('checkout');
    await motoClients().dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: key },
          kind: { S: 'lock' },
          revision: { N: '1' },
          item: { S: JSON.stringify(monitorState()) },
        },
      }),
    );

    const found = await store.read([key]);

    expect(found.invalid).toEqual([
      expect.objectContaining({ key, revision: 1, problem: expect.stringContaining('kind lock') }),
    ]);
  });

  it.each([
    ['read', (store: DynamoDbStateStore) => store.read([monitorStateKey('checkout')])],
    [
      'write',
      (store: DynamoDbStateStore) => store.write([putState(monitorStateKey('checkout'), monitorState(), undefined)]),
    ],
    [
      'write of several items',
      (store: DynamoDbStateStore) =>
        store.write([
          putState(monitorStateKey('a'), monitorState(), undefined),
          putState(serviceStateKey('a', 'b'), serviceState(), undefined),
        ]),
    ],
    ['list', (store: DynamoDbStateStore) => store.list('monitor')],
  ])('fails a %s on a missing table with StateUnavailableError carrying the cause', async (_name, call) => {
    const tableName = uniqueName('rollgate-state-missing');
    const store = new DynamoDbStateStore({ client: new DynamoDBClient(awsClientConfig()), tableName });

    const error = await call(store).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateUnavailableError);
    expect(error).toMatchObject({ errorName: 'ResourceNotFoundException' });
    expect((error as Error).message).toContain(tableName);
    expect((error as Error).cause).toBeDefined();
  });
});

describe('DynamoDbStateStore on failures moto cannot produce', () => {
  const key = monitorStateKey('checkout');

  it('asks again for keys left unprocessed, and gets them', async () => {
    const client = new DynamoDBClient(awsClientConfig());
    const mock = mockClient(client);
    const item = {
      pk: { S: key },
      kind: { S: 'monitor' },
      revision: { N: '1' },
      item: { S: JSON.stringify(monitorState()) },
    };
    mock
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: { S: key } }] } } })
      .resolves({ Responses: { t: [item] } });
    const store = new DynamoDbStateStore({ client, tableName: 't', retryPauseMs: 1 });

    const found = await store.read([key]);

    expect(found.get(key)?.revision).toBe(1);
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(2);
    mock.restore();
  });

  it('gives up on keys still unprocessed after the bounded attempts with StateUnavailableError', async () => {
    const client = new DynamoDBClient(awsClientConfig());
    const mock = mockClient(client);
    mock.on(BatchGetItemCommand).resolves({ UnprocessedKeys: { t: { Keys: [{ pk: { S: key } }] } } });
    const store = new DynamoDbStateStore({ client, tableName: 't', unprocessedKeyAttempts: 3, retryPauseMs: 1 });

    const error = await store.read([key]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toContain('left 1 state keys unprocessed after 3 attempts');
    expect(mock.commandCalls(BatchGetItemCommand)).toHaveLength(3);
    mock.restore();
  });

  it('fails a write DynamoDB refuses for access with StateUnavailableError naming the cause', async () => {
    const client = new DynamoDBClient(awsClientConfig());
    const mock = mockClient(client);
    const denied = Object.assign(new Error('not authorized to perform dynamodb:PutItem'), {
      name: 'AccessDeniedException',
    });
    mock.on(PutItemCommand).rejects(denied);
    const store = new DynamoDbStateStore({ client, tableName: 't' });

    const error = await store.write([putState(key, monitorState(), undefined)]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateUnavailableError);
    expect(error).toMatchObject({ errorName: 'AccessDeniedException', cause: denied });
    expect((error as Error).message).toContain('AccessDeniedException: not authorized to perform dynamodb:PutItem');
    mock.restore();
  });

  it.each([
    ['a condition that failed', 'ConditionalCheckFailed', StateConflictError],
    ['a concurrent transaction', 'TransactionConflict', StateConflictError],
    ['throttling', 'ThrottlingError', StateUnavailableError],
  ])('maps a transaction cancelled for %s on the second item', async (_name, code, type) => {
    const client = new DynamoDBClient(awsClientConfig());
    const mock = mockClient(client);
    mock.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: code }],
      }),
    );
    const store = new DynamoDbStateStore({ client, tableName: 't' });
    const second = serviceStateKey('checkout', 'prod');

    const error = await store
      .write([putState(key, monitorState(), undefined), putState(second, serviceState(), 4)])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(type);
    if (type === StateConflictError) expect(error).toMatchObject({ key: second, expectedRevision: 4 });
    mock.restore();
  });
});
