// The deploy gate's idempotency records (Powertools Idempotency's DynamoDB layout: partition key `id`, TTL attribute
// `expiration`), so a duplicate deploy event returns the first run's response instead of probing and rolling back
// again. A cache, not a record of what happened (the evidence bucket is that): DESTROY with the stack, and nothing
// is lost that a deploy needs; point-in-time recovery stays on because it is cheap at this size and lets an operator
// see, after an incident, which events the gate believed it had handled.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** Powertools' default attribute names; the handler's DynamoDBPersistenceLayer relies on them. */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'id';
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = 'expiration';

export function createIdempotencyTable(scope: Construct, id: string, encryptionKey: kms.IKey): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: IDEMPOTENCY_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: IDEMPOTENCY_EXPIRY_ATTRIBUTE,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
