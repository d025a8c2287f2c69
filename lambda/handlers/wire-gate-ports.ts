// The wiring both Lambda handlers share: what one container keeps (settings, SDK clients, the evidence store, the
// notifier, the cached secret source, the state store), and the ports one run gets from it. Settings are read at cold
// start; each adapter is loaded, with its SDK package, on the first run that calls it (see aws-clients.ts for why), so
// a healthy gate loads the S3 and DynamoDB adapters only.

import { ChainedEvidenceStore } from '../core/evidence/chained-evidence-store.ts';
import type { GatePorts } from '../core/gate/gate.ts';
import type {
  RollbackExecutor,
  RollbackHandle,
  RollbackPoll,
  RollbackRequest,
  RollbackStart,
} from '../core/gate/ports.ts';
import type { RollbackResult } from '../core/rollback/rollback-result.ts';
import type { RollbackTarget } from '../core/rollback/rollback-target.ts';
import type { StateStore } from '../core/state/state-store.ts';
import type { DynamoDbStateStore } from '../adapters/aws/dynamodb-state-store.ts';
import { locateS3Evidence } from '../adapters/evidence-key.ts';
import type { S3EvidenceStore } from '../adapters/aws/s3-evidence-store.ts';
import type { SnsNotifier } from '../adapters/aws/sns-notifier.ts';
import type { RollbackScope, SsmRollbackExecutor } from '../adapters/aws/ssm-rollback.ts';
import type { SsmSecretSource } from '../adapters/aws/ssm-secret-source.ts';
import { createAwsClients, type AwsClients } from './aws-clients.ts';
import { lazily } from './lazily.ts';
import type { RuntimeSettings } from './runtime-settings.ts';

export interface LambdaRuntime {
  readonly settings: RuntimeSettings;
  readonly clients: AwsClients;
  /** Each adapter is made on its first use and kept for the container's life. */
  readonly evidenceStore: () => Promise<S3EvidenceStore>;
  readonly notifier: () => Promise<SnsNotifier>;
  /** One per container, so its cache outlives a single invocation. */
  readonly secrets: () => Promise<SsmSecretSource>;
  /** The stack's state table: what runs remember between them. */
  readonly state: () => Promise<DynamoDbStateStore>;
}

/** Where a run's rollback goes; absent fields take the executor's defaults (the deploy's rollgate:* tags). */
export interface RollbackPlan {
  readonly target?: RollbackTarget;
  readonly scope?: RollbackScope;
  /** The service's host tags: an instance-id target is sent to only where an instance carries all of them. */
  readonly requiredTags?: Readonly<Record<string, string>>;
  /** The service's own rollback wait, already fitted to the invocation; absent for the stack's. */
  readonly waitSeconds?: number;
  /** The invocation's time left (the Lambda context's getRemainingTimeInMillis): the rollback wait never outlasts it. */
  readonly remainingTimeMs?: () => number;
}

/** The container's runtime over settings already validated (at cold start, by the handler). Makes no client yet. */
export function createLambdaRuntime(
  settings: RuntimeSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LambdaRuntime {
  const clients = createAwsClients(env);
  return {
    settings,
    clients,
    evidenceStore: lazily(async () => {
      const [{ S3EvidenceStore }, client] = await Promise.all([
        import('../adapters/aws/s3-evidence-store.ts'),
        clients.s3(),
      ]);
      return new S3EvidenceStore({ client, bucket: settings.evidenceBucket });
    }),
    notifier: lazily(async () => {
      const [{ SnsNotifier }, client] = await Promise.all([import('../adapters/aws/sns-notifier.ts'), clients.sns()]);
      return new SnsNotifier({ client, topicArn: settings.alertTopicArn });
    }),
    secrets: lazily(async () => {
      const [{ SsmSecretSource }, client] = await Promise.all([
        import('../adapters/aws/ssm-secret-source.ts'),
        clients.ssm(),
      ]);
      return new SsmSecretSource({ client });
    }),
    state: lazily(async () => {
      const [{ DynamoDbStateStore }, client] = await Promise.all([
        import('../adapters/aws/dynamodb-state-store.ts'),
        clients.dynamodb(),
      ]);
      return new DynamoDbStateStore({ client, tableName: settings.stateTable });
    }),
  };
}

/** The ports of one run; no rollback executor unless the run has a rollback plan. */
export function wireGatePorts(runtime: LambdaRuntime, rollback: RollbackPlan | undefined): GatePorts {
  const { evidenceBucket } = runtime.settings;
  // A store that cannot be loaded or reached is a recorded state fault (StateUnavailable), never a lost verdict.
  const state: StateStore = {
    read: async (keys) => (await runtime.state()).read(keys),
    write: async (changes) => (await runtime.state()).write(changes),
    list: async (kind) => (await runtime.state()).list(kind),
  };
  return {
    // Each record names the one before it in its service's or monitor's chain; the chain's head is in the state table.
    evidenceStore: new ChainedEvidenceStore({
      store: {
        write: async (document, stage) => (await runtime.evidenceStore()).write(document, stage),
        // The key is known without the store (or its SDK): a known-good version names the evidence that proved it.
        locate: (document, stage) => locateS3Evidence(evidenceBucket, document, stage),
      },
      state,
    }),
    notifier: { notify: async (alert) => (await runtime.notifier()).notify(alert) },
    secrets: { resolve: async (reference) => (await runtime.secrets()).resolve(reference) },
    state,
    ...(rollback !== undefined ? { rollbackExecutor: new DeferredSsmRollback(runtime, rollback) } : {}),
  };
}

/**
 * The SSM rollback executor, loaded (with the SSM SDK) only when a failed gate runs it. EC2 stays unloaded unless the
 * rollback has tags to resolve. The gate asks describe() only after run(), so it is the real executor's answer unless
 * loading it failed; then the document name is all there is to say.
 */
class DeferredSsmRollback implements RollbackExecutor {
  private executor: RollbackExecutor | undefined;

  public constructor(
    private readonly runtime: LambdaRuntime,
    private readonly plan: RollbackPlan,
  ) {}

  public describe(): string {
    return this.executor?.describe() ?? `SSM document ${this.runtime.settings.rollbackDocument}`;
  }

  public async run(request: RollbackRequest): Promise<RollbackResult> {
    return (await this.load()).run(request);
  }

  /** The deploy workflow's send_rollback step: sends and returns a handle at once. */
  public async start(request: RollbackRequest): Promise<RollbackStart> {
    return (await this.load()).start(request);
  }

  /** The deploy workflow's poll_rollback step, in a later invocation than the start. */
  public async poll(handle: RollbackHandle): Promise<RollbackPoll> {
    return (await this.load()).poll(handle);
  }

  private async load(): Promise<SsmRollbackExecutor> {
    const { clients, settings } = this.runtime;
    const [{ SsmRollbackExecutor }, ssm] = await Promise.all([
      import('../adapters/aws/ssm-rollback.ts'),
      clients.ssm(),
    ]);
    const executor = new SsmRollbackExecutor({
      ssm,
      ec2: clients.ec2,
      documentName: settings.rollbackDocument,
      waitSeconds: this.plan.waitSeconds ?? settings.rollbackWaitSeconds,
      ...(this.plan.target !== undefined ? { target: this.plan.target } : {}),
      ...(this.plan.scope !== undefined ? { scope: this.plan.scope } : {}),
      ...(this.plan.requiredTags !== undefined ? { requiredTags: this.plan.requiredTags } : {}),
      ...(this.plan.remainingTimeMs !== undefined ? { remainingTimeMs: this.plan.remainingTimeMs } : {}),
    });
    this.executor = executor;
    return executor;
  }
}
