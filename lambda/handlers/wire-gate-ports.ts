// The wiring both Lambda handlers share: what one container reads and builds once at cold start (settings, clients,
// the evidence store, the notifier, the cached secret source), and the ports one run gets from it.

import type { RollbackTarget } from '../core/deploy-event-schema.ts';
import type { GatePorts } from '../core/gate.ts';
import { S3EvidenceStore } from '../adapters/s3-evidence-store.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { SsmRollbackExecutor, type RollbackScope } from '../adapters/ssm-rollback.ts';
import { SsmSecretSource } from '../adapters/ssm-secret-source.ts';
import { createAwsClients, type AwsClients } from './aws-clients.ts';
import { parseRuntimeSettings, type RuntimeSettings } from './runtime-settings.ts';

export interface LambdaRuntime {
  readonly settings: RuntimeSettings;
  readonly clients: AwsClients;
  readonly evidenceStore: S3EvidenceStore;
  readonly notifier: SnsNotifier;
  /** One per container, so its cache outlives a single invocation. */
  readonly secrets: SsmSecretSource;
}

/** Where a run's rollback goes; absent fields take the executor's defaults (the deploy's rollgate:* tags). */
export interface RollbackPlan {
  readonly target?: RollbackTarget;
  readonly scope?: RollbackScope;
}

/** Builds the container's runtime. Throws ConfigError naming the environment variable that cannot be used. */
export function createLambdaRuntime(env: Readonly<Record<string, string | undefined>> = process.env): LambdaRuntime {
  const settings = parseRuntimeSettings(env);
  const clients = createAwsClients(env);
  return {
    settings,
    clients,
    evidenceStore: new S3EvidenceStore({ client: clients.s3, bucket: settings.evidenceBucket }),
    notifier: new SnsNotifier({ client: clients.sns, topicArn: settings.alertTopicArn }),
    secrets: new SsmSecretSource({ client: clients.ssm }),
  };
}

/** The ports of one run; no rollback executor unless the run has a rollback plan. */
export function wireGatePorts(runtime: LambdaRuntime, rollback: RollbackPlan | undefined): GatePorts {
  return {
    evidenceStore: runtime.evidenceStore,
    notifier: runtime.notifier,
    secrets: runtime.secrets,
    ...(rollback !== undefined
      ? {
          rollbackExecutor: new SsmRollbackExecutor({
            ssm: runtime.clients.ssm,
            ec2: runtime.clients.ec2,
            documentName: runtime.settings.rollbackDocument,
            waitSeconds: runtime.settings.rollbackWaitSeconds,
            ...(rollback.target !== undefined ? { target: rollback.target } : {}),
            ...(rollback.scope !== undefined ? { scope: rollback.scope } : {}),
          }),
        }
      : {}),
  };
}
