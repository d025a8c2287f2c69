// A state table in moto laid out as lib/state-table.ts deploys it (partition key `pk`, the byKind index), through the
// design constants both share. No TTL: moto does not expire items, and expiry is read from the attribute anyway.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  STATE_BY_KIND_INDEX,
  STATE_KEY_ATTRIBUTE,
  STATE_KIND_ATTRIBUTE,
} from '../../lambda/core/state/state-table-design.ts';
import { motoClients, uniqueName } from './aws-fixtures.ts';

/** Creates an on-demand state table with the byKind index and returns its name. */
export async function createStateTable(name: string = uniqueName('rollgate-state')): Promise<string> {
  await motoClients().dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: STATE_KEY_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: STATE_KIND_ATTRIBUTE, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: STATE_KEY_ATTRIBUTE, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: STATE_BY_KIND_INDEX,
          KeySchema: [
            { AttributeName: STATE_KIND_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: STATE_KEY_ATTRIBUTE, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}
