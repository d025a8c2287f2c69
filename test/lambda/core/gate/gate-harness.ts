// The core's own ports for the gate tests, recorded in one shared log so a test can check the order of effects.
import { EnvSecretSource } from '../../../../lambda/adapters/local/env-secret-source.ts';
import type { Alert } from '../../../../lambda/core/plan/alerts.ts';
import { parseGateConfig, type GateConfigInput } from '../../../../lambda/core/config/config-schema.ts';
import type { EvidenceContext, EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import type { GatePorts } from '../../../../lambda/core/gate/gate.ts';
import type {
  EvidenceLocation,
  EvidenceStage,
  EvidenceStore,
  Notifier,
  RollbackExecutor,
  RollbackRequest,
} from '../../../../lambda/core/gate/ports.ts';
import type { RollbackResult } from '../../../../lambda/core/rollback/rollback-result.ts';

export class RecordingEvidenceStore implements EvidenceStore {
  public readonly written: Array<{ stage: EvidenceStage; document: EvidenceDocument }> = [];
  public constructor(
    private readonly log: string[],
    private readonly failure?: Error,
  ) {}

  public locate(_document: EvidenceDocument, stage: EvidenceStage): string {
    return `mem://evidence/${stage}.json`;
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    this.log.push(`evidence:${stage}`);
    if (this.failure) throw this.failure;
    this.written.push({ stage, document });
    return { uri: `mem://evidence/${stage}.json` };
  }
}

/** Fails every alert with `failure`, or only those for which `failure` returns an error. */
export class RecordingNotifier implements Notifier {
  public readonly sent: Alert[] = [];
  public constructor(
    private readonly log: string[],
    private readonly failure?: Error | ((alert: Alert) => Error | undefined),
  ) {}

  public async notify(alert: Alert): Promise<void> {
    this.log.push(`alert:${alert.type}`);
    const failure = typeof this.failure === 'function' ? this.failure(alert) : this.failure;
    if (failure) throw failure;
    this.sent.push(alert);
  }
}

export class RecordingRollback implements RollbackExecutor {
  public readonly requests: RollbackRequest[] = [];
  public constructor(
    private readonly log: string[],
    private readonly answer: RollbackResult | Error,
  ) {}

  public describe(): string {
    return '/bin/sh -c "./rollback.sh"';
  }

  public async run(request: RollbackRequest): Promise<RollbackResult> {
    this.log.push('rollback:run');
    this.requests.push(request);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

export const ROLLBACK_OK: RollbackResult = {
  attempted: true,
  ok: true,
  outcome: 'succeeded',
  exit_code: 0,
  duration_ms: 40,
  output_tail: 'rolled back to 1.4.1\n',
};

export const ROLLBACK_FAILED: RollbackResult = {
  ...ROLLBACK_OK,
  ok: false,
  outcome: 'failed',
  exit_code: 3,
  detail: 'exited with 3',
};

export const DEPLOY: EvidenceContext = {
  kind: 'deploy',
  deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.4.1' },
};
export const CLI: EvidenceContext = { kind: 'gate' };

/** A healthy answer never waits for the timeout, so a generous one costs nothing; the bound test sets its own. */
export function config(input: Partial<GateConfigInput> & Pick<GateConfigInput, 'targets'>) {
  return parseGateConfig({ timeoutMs: 5_000, retries: 0, backoffMs: 0, ...input });
}

export interface Harness {
  readonly log: string[];
  readonly store: RecordingEvidenceStore;
  readonly notifier: RecordingNotifier;
  readonly rollback?: RecordingRollback;
  readonly ports: GatePorts;
}

export function harness(
  options: {
    rollback?: RollbackResult | Error;
    storeFails?: Error;
    notifierFails?: Error | ((alert: Alert) => Error | undefined);
    env?: Record<string, string>;
  } = {},
): Harness {
  const log: string[] = [];
  const store = new RecordingEvidenceStore(log, options.storeFails);
  const notifier = new RecordingNotifier(log, options.notifierFails);
  const rollback = options.rollback !== undefined ? new RecordingRollback(log, options.rollback) : undefined;
  return {
    log,
    store,
    notifier,
    ...(rollback ? { rollback } : {}),
    ports: {
      evidenceStore: store,
      notifier,
      ...(rollback ? { rollbackExecutor: rollback } : {}),
      secrets: new EnvSecretSource(options.env ?? {}),
    },
  };
}
