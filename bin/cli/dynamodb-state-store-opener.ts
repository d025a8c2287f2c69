// Loaded only by `rollgate pause|resume --table`, through a dynamic import, so no other command loads the AWS SDK.
// Credentials, region and endpoint (AWS_ENDPOINT_URL) come from the SDK's default chain.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStateStore } from '../../lambda/adapters/aws/dynamodb-state-store.ts';

export function openDynamoDbStateStore(tableName: string): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: new DynamoDBClient({}), tableName });
}
