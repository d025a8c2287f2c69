// Rollback through SSM Run Command: the deployment's own rollback document (never a command taken from an event) sent
// to the service's instances with four validated parameters, then followed per instance until each finishes or the
// wait runs out. Tag targets are resolved to instance ids here, before sending, so the evidence names every host
// and a tag that matches nothing is caught before anything is sent; SSM resolves tags lazily and its invocation list
// fills in late, so there is no reliable host list to wait on otherwise.

import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  waitUntilCommandExecuted,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { RollbackSendError, describeError } from '../core/errors.ts';
import { NAME_PATTERN, OPTIONAL_VERSION_PATTERN, VERSION_PATTERN } from '../core/name-patterns.ts';
import type { RollbackExecutor, RollbackRequest } from '../core/ports.ts';
import { redactSecretsInText, tailOf } from '../core/redact.ts';
import {
  ROLLBACK_OUTPUT_TAIL_BYTES,
  rollbackSendFailed,
  type RollbackHostResult,
  type RollbackResult,
} from '../core/rollback-result.ts';
import { MAX_ROLLBACK_INSTANCES, type RollbackTarget } from '../core/rollback-target.ts';
import { DEFAULT_ROLLBACK_WAIT_SECONDS, summarizeHosts } from './ssm-rollback-outcome.ts';

/** FailedVersion for a run with no deploy record (a monitor's check): the script must not trust it. */
export const UNKNOWN_FAILED_VERSION = 'unknown';
/** Short first polls catch a quick rollback; the cap keeps a 50-host wait well under GetCommandInvocation's limits. */
const DEFAULT_POLL_DELAY_SECONDS = { min: 2, max: 15 } as const;
const MIN_SEND_TIMEOUT_SECONDS = 30;
const MAX_COMMENT_LENGTH = 100;

/** Service and environment for runs without a deploy record: a monitor that rolls back on failure. */
export interface RollbackScope {
  readonly service: string;
  readonly environment: string;
}

export interface SsmRollbackOptions {
  readonly ssm: SSMClient;
  /**
   * The EC2 client, asked for only when a tag target has to be resolved: an instance-id rollback never needs it, and
   * the handlers then never load the EC2 SDK (the largest client, about a quarter of a second to require).
   */
  readonly ec2: () => Promise<EC2Client>;
  /** The rollback document the stack deployed (ROLLGATE_ROLLBACK_DOCUMENT). */
  readonly documentName: string;
  /** @default the running instances tagged rollgate:service=<service> and rollgate:environment=<environment> */
  readonly target?: RollbackTarget;
  /** Service and environment for a run without a deploy record (a monitor's check); a deploy record wins. */
  readonly scope?: RollbackScope;
  /** How long to wait for every instance, from the start of the run. @default 600 */
  readonly waitSeconds?: number;
  /** Waiter poll delays, in seconds. @default { min: 2, max: 15 } */
  readonly pollDelaySeconds?: { readonly min: number; readonly max: number };
}

export class SsmRollbackExecutor implements RollbackExecutor {
  private readonly options: SsmRollbackOptions;
  private readonly waitSeconds: number;
  private readonly pollDelay: { readonly min: number; readonly max: number };

  public constructor(options: SsmRollbackOptions) {
    this.options = options;
    this.waitSeconds = options.waitSeconds ?? DEFAULT_ROLLBACK_WAIT_SECONDS;
    this.pollDelay = options.pollDelaySeconds ?? DEFAULT_POLL_DELAY_SECONDS;
  }

  public describe(): string {
    const target = this.targetFor(this.options.scope);
    const where = target ? describeTarget(target) : "the running instances tagged with the deploy's rollgate:* tags";
    return `SSM document ${this.options.documentName} to ${where}`;
  }

  /** The configured target, else the running instances tagged with the scope's rollgate:* tags. */
  private targetFor(scope: RollbackScope | undefined): RollbackTarget | undefined {
    return this.options.target ?? (scope ? { tags: serviceTags(scope) } : undefined);
  }

  public async run(request: RollbackRequest): Promise<RollbackResult> {
    const started = performance.now();
    const deadline = started + this.waitSeconds * 1_000;
    const scope = request.deploy ?? this.options.scope;
    const target = this.targetFor(scope);
    const executor = `SSM document ${this.options.documentName}${target ? ` to ${describeTarget(target)}` : ''}`;
    const sendFailed = (detail: string): RollbackResult => rollbackSendFailed(started, executor, detail);

    if (scope === undefined || target === undefined) {
      return sendFailed('nothing sent: the run has no deploy record and the executor no service/environment scope');
    }
    const parameters = documentParameters(scope, request.deploy?.version, request.deploy?.previous_version);
    if ('problem' in parameters) return sendFailed(`nothing sent: ${parameters.problem}`);

    let instanceIds: readonly string[];
    if ('instanceIds' in target) {
      instanceIds = target.instanceIds;
    } else {
      try {
        instanceIds = await this.runningInstancesTagged(target.tags);
      } catch (error) {
        return sendFailed(sendErrorOf('DescribeInstances', error).message);
      }
      if (instanceIds.length === 0) {
        return sendFailed(`nothing sent: no running instances carry tags ${tagsText(target.tags)}`);
      }
      if (instanceIds.length > MAX_ROLLBACK_INSTANCES) {
        // Rolling back only part of a fleet would leave it mixed without saying so; a person decides instead.
        return sendFailed(
          `nothing sent: more than ${MAX_ROLLBACK_INSTANCES} running instances carry tags ${tagsText(target.tags)}; ` +
            `one rollback command reaches at most ${MAX_ROLLBACK_INSTANCES}`,
        );
      }
    }

    let commandId: string;
    try {
      commandId = await this.send(instanceIds, parameters.values);
    } catch (error) {
      return sendFailed(sendErrorOf('SendCommand', error).message);
    }

    await this.waitForInstances(commandId, instanceIds, deadline);
    const hosts = await Promise.all(instanceIds.map((instanceId) => this.readInvocation(commandId, instanceId)));
    const summary = summarizeHosts(hosts, this.waitSeconds);
    return {
      attempted: true,
      ok: summary.outcome === 'succeeded',
      ...summary,
      duration_ms: Math.round(performance.now() - started),
      executor,
      command_id: commandId,
      hosts,
    };
  }

  /** Loads the EC2 lookup (and the EC2 SDK) only now: an instance-id rollback never gets here. */
  private async runningInstancesTagged(tags: Readonly<Record<string, string>>): Promise<string[]> {
    const [{ runningInstancesTagged }, ec2] = await Promise.all([
      import('./ec2-tagged-instances.ts'),
      this.options.ec2(),
    ]);
    return runningInstancesTagged(ec2, tags, MAX_ROLLBACK_INSTANCES);
  }

  private async send(instanceIds: readonly string[], values: DocumentValues): Promise<string> {
    const response = await this.options.ssm.send(
      new SendCommandCommand({
        DocumentName: this.options.documentName,
        InstanceIds: [...instanceIds],
        Parameters: {
          Service: [values.Service],
          Environment: [values.Environment],
          FailedVersion: [values.FailedVersion],
          TargetVersion: [values.TargetVersion],
        },
        Comment: commentFor(values),
        // A host that has not picked the command up by the time we stop waiting must not run it later, unobserved.
        TimeoutSeconds: Math.max(MIN_SEND_TIMEOUT_SECONDS, Math.ceil(this.waitSeconds)),
        // Every host at once, and one host's failure does not stop the others: the fleet is already failing its
        // gate and the previous version is the known-good one, so each host that gets back to it is a gain. Each
        // failure is still reported per host and makes the outcome `failed`.
        MaxConcurrency: '100%',
        MaxErrors: '100%',
      }),
    );
    const commandId = response.Command?.CommandId;
    if (commandId === undefined) throw new Error('SendCommand returned no command id');
    return commandId;
  }

  /** Waits with the SDK's waiter on every instance at once, within what is left of the budget. */
  private async waitForInstances(commandId: string, instanceIds: readonly string[], deadline: number): Promise<void> {
    const remainingSeconds = (deadline - performance.now()) / 1_000;
    if (remainingSeconds <= this.pollDelay.min) return;
    const waiterOptions = {
      client: this.options.ssm,
      maxWaitTime: remainingSeconds,
      minDelay: this.pollDelay.min,
      maxDelay: this.pollDelay.max,
    };
    await Promise.all(
      instanceIds.map((instanceId) =>
        // The waiter throws for a failed, cancelled or timed-out command and when the wait runs out; every one of
        // those is read back from GetCommandInvocation next, so the throw itself carries nothing more.
        waitUntilCommandExecuted(waiterOptions, { CommandId: commandId, InstanceId: instanceId }).catch(
          () => undefined,
        ),
      ),
    );
  }

  private async readInvocation(commandId: string, instanceId: string): Promise<RollbackHostResult> {
    try {
      const invocation = await this.options.ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      const output = joinOutput(invocation.StandardOutputContent, invocation.StandardErrorContent);
      const exitCode = invocation.ResponseCode;
      return {
        instance_id: instanceId,
        // StatusDetails tells DeliveryTimedOut from ExecutionTimedOut, Undeliverable and Terminated from Failed.
        status: invocation.StatusDetails ?? invocation.Status ?? 'Unknown',
        // -1 means the command has not finished on the instance.
        exit_code: exitCode !== undefined && exitCode >= 0 ? exitCode : null,
        output_tail: tailOf(redactSecretsInText(output), ROLLBACK_OUTPUT_TAIL_BYTES),
      };
    } catch (error) {
      return {
        instance_id: instanceId,
        status: 'Unknown',
        exit_code: null,
        output_tail: redactSecretsInText(`GetCommandInvocation failed: ${describeError(error)}`),
      };
    }
  }
}

interface DocumentValues {
  readonly Service: string;
  readonly Environment: string;
  readonly FailedVersion: string;
  readonly TargetVersion: string;
}

/** The document's four values, or the first one that may not be sent. */
export function documentParameters(
  scope: RollbackScope,
  failedVersion: string | undefined,
  previousVersion: string | undefined,
): { readonly values: DocumentValues } | { readonly problem: string } {
  const values: DocumentValues = {
    Service: scope.service,
    Environment: scope.environment,
    FailedVersion: failedVersion ?? UNKNOWN_FAILED_VERSION,
    TargetVersion: previousVersion ?? '',
  };
  // The document's parameters reach a host shell: the same patterns as its allowedPatterns, checked before sending.
  const patterns: Record<keyof DocumentValues, RegExp> = {
    Service: NAME_PATTERN,
    Environment: NAME_PATTERN,
    FailedVersion: VERSION_PATTERN,
    TargetVersion: OPTIONAL_VERSION_PATTERN,
  };
  for (const name of Object.keys(patterns) as Array<keyof DocumentValues>) {
    if (!patterns[name].test(values[name])) {
      const shown = JSON.stringify(values[name]);
      return { problem: `document parameter ${name} ${shown} does not match ${patterns[name].source}` };
    }
  }
  return { values };
}

function serviceTags(scope: RollbackScope): Record<string, string> {
  return { 'rollgate:service': scope.service, 'rollgate:environment': scope.environment };
}

function describeTarget(target: RollbackTarget): string {
  return 'instanceIds' in target
    ? `instances ${target.instanceIds.join(', ')}`
    : `running instances tagged ${tagsText(target.tags)}`;
}

function tagsText(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

function commentFor(values: DocumentValues): string {
  const scope = `${values.Service}/${values.Environment}`;
  const comment = `Rollgate rollback ${scope} ${values.FailedVersion} -> ${values.TargetVersion || 'previous'}`;
  return comment.length <= MAX_COMMENT_LENGTH ? comment : `${comment.slice(0, MAX_COMMENT_LENGTH - 3)}...`;
}

function joinOutput(stdout: string | undefined, stderr: string | undefined): string {
  if (!stderr) return stdout ?? '';
  if (!stdout) return stderr;
  return stdout.endsWith('\n') ? `${stdout}${stderr}` : `${stdout}\n${stderr}`;
}

function sendErrorOf(operation: string, error: unknown): RollbackSendError {
  return new RollbackSendError(`nothing sent: ${operation} failed: ${describeError(error)}`, {
    cause: error,
  });
}
