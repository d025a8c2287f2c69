// The Step Functions execution of one deploy is named after the deploy's identity (service, environment, version and
// the run: the EventBridge event id, a direct invoke's request id, a CLI run's id). A redelivered event names the same
// execution, and Step Functions never starts two executions of one name, so a deploy is judged once per event.

import { createHash } from 'node:crypto';

/** Step Functions' rule for an execution name: at most 80 letters, digits, dashes or underscores. */
export const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const EXECUTION_NAME_MAX_CHARS = 80;
/**
 * 96 bits of the identity's SHA-256: the readable part loses characters (dots, plus signs, length), so only the digest
 * keeps two deploys apart, and nobody can make a deploy that takes a later deploy's name.
 */
const DIGEST_CHARS = 24;

export interface DeployRunIdentity {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  /** The EventBridge event id, the Lambda request id of a direct invoke, or the CLI's run id. */
  readonly runId: string;
}

/** `checkout-prod-1_4_2-<digest>`: readable in the console, unique per identity, within Step Functions' name rules. */
export function deployExecutionName(identity: DeployRunIdentity): string {
  const readable = `${identity.service}-${identity.environment}-${identity.version}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const digest = createHash('sha256')
    .update(JSON.stringify([identity.service, identity.environment, identity.version, identity.runId]))
    .digest('hex')
    .slice(0, DIGEST_CHARS);
  return `${readable.slice(0, EXECUTION_NAME_MAX_CHARS - DIGEST_CHARS - 1)}-${digest}`;
}
