// Rollback through SSM Run Command: the deployment's own rollback document (never a command taken from an event) sent
// to the service's instances with four validated parameters, then followed per instance until each finishes or the
// wait runs out, and never past the invocation's own time. Tag targets are resolved to instance ids here, before
// sending, so the evidence names every host and a tag that matches nothing is caught before anything is sent; SSM
// resolves tags lazily and its invocation list fills in late, so there is no reliable host list to wait on otherwise.
// Only the instances SSM manages and sees online are sent the command (ssm-rollback-reachable.ts), and instance ids
// that came with an event only once DescribeInstances shows they carry the service's host tags (`requiredTags`).
// `start` sends and returns a handle naming the hosts; `poll` (ssm-rollback-poll.ts) reads them back, from any
// invocation; `run` is both, polling with a growing delay until the wait runs out.

import type { EC2Client } from '@aws-sdk/client-ec2';
import { SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { RollbackSendError, describeError } from '../../core/errors.ts';
import type {
  RollbackExecutor,
  RollbackHandle,
  RollbackPoll,
  RollbackRequest,
  RollbackStart,
} from '../../core/gate/ports.ts';
import {
  rollbackSendFailed,
  type RollbackHostResult,
  type RollbackResult,
} from '../../core/rollback/rollback-result.ts';
import { MAX_ROLLBACK_INSTANCES, type RollbackTarget } from '../../core/rollback/rollback-target.ts';
import { describeTags, ENVIRONMENT_TAG_KEY, SERVICE_TAG_KEY } from '../../core/config/host-tags-schema.ts';
import { DEFAULT_ROLLBACK_WAIT_SECONDS, ROLLBACK_RECORD_MARGIN_SECONDS } from './ssm-rollback-outcome.ts';
import { checkHostTags } from './ssm-rollback-host-tags.ts';
import { pollSsmRollback, SSM_ROLLBACK_KIND, type SsmHandleDetail } from './ssm-rollback-poll.ts';
import { commentFor, documentParameters, type DocumentValues, type RollbackScope } from './ssm-rollback-parameters.ts';
import { notManaged, reachableInstances, refusedInstances } from './ssm-rollback-reachable.ts';

export type { RollbackScope } from './ssm-rollback-parameters.ts';

/** Short first polls catch a quick rollback; the cap keeps a 50-host wait well under GetCommandInvocation's limits. */
const DEFAULT_POLL_DELAY_SECONDS = { min: 2, max: 15 } as const;
const MIN_SEND_TIMEOUT_SECONDS = 30;

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
  /**
   * Tags every instance in an instance-id target must carry (the service's host tags): DescribeInstances is asked
   * first, and an instance without all of them is named and never sent the command. A tag target finds only such
   * hosts anyway.
   * @default - instance ids are sent to as given (for an operator's own use; the handlers always set it)
   */
  readonly requiredTags?: Readonly<Record<string, string>>;
  /** How long to wait for every instance, from the start of the run. @default 600 */
  readonly waitSeconds?: number;
  /**
   * The invocation's time left, in milliseconds (Lambda's `context.getRemainingTimeInMillis`). The wait then ends
   * `recordMarginSeconds` before the function would be stopped, so the outcome is recorded and alerted, never left
   * pending; a rollback with not even that margin left is not sent.
   * @default - no bound but `waitSeconds`
   */
  readonly remainingTimeMs?: () => number;
  /** What the invocation keeps after the wait, to record and alert. @default 15 */
  readonly recordMarginSeconds?: number;
  /** Waiter poll delays, in seconds. @default { min: 2, max: 15 } */
  readonly pollDelaySeconds?: { readonly min: number; readonly max: number };
}

export class SsmRollbackExecutor implements RollbackExecutor {
  private readonly options: SsmRollbackOptions;
  private readonly waitSeconds: number;
  private readonly recordMarginSeconds: number;
  private readonly pollDelay: { readonly min: number; readonly max: number };

  public constructor(options: SsmRollbackOptions) {
    this.options = options;
    this.waitSeconds = options.waitSeconds ?? DEFAULT_ROLLBACK_WAIT_SECONDS;
    this.recordMarginSeconds = options.recordMarginSeconds ?? ROLLBACK_RECORD_MARGIN_SECONDS;
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

  /** Sends the command to the service's reachable hosts and returns a handle naming them; never waits. */
  public async start(request: RollbackRequest): Promise<RollbackStart> {
    const started = performance.now();
    const startedAt = Date.now();
    const waitMs = this.waitBudgetMs();
    const scope = request.deploy ?? this.options.scope;
    const target = this.targetFor(scope);
    const executor = `SSM document ${this.options.documentName}${target ? ` to ${describeTarget(target)}` : ''}`;
    const sendFailed = (detail: string, hosts?: readonly RollbackHostResult[]): RollbackStart => ({
      state: 'done',
      result: rollbackSendFailed(started, executor, detail, hosts),
    });

    if (scope === undefined || target === undefined) {
      return sendFailed('nothing sent: the run has no deploy record and the executor no service/environment scope');
    }
    // The planner's target (a known-good version, or the event's previousVersion while there is no record).
    const targetVersion = request.target_version ?? request.deploy?.previous_version;
    const parameters = documentParameters(scope, request.deploy?.version, targetVersion);
    if ('problem' in parameters) return sendFailed(`nothing sent: ${parameters.problem}`);

    let instanceIds: readonly string[];
    const refused: RollbackHostResult[] = [];
    if ('instanceIds' in target) {
      instanceIds = target.instanceIds;
      const required = this.options.requiredTags;
      if (required !== undefined) {
        const checked = await checkHostTags(this.options.ec2, instanceIds, required);
        if ('problem' in checked) return sendFailed(checked.problem);
        refused.push(...checked.refused);
        instanceIds = checked.carrying;
        if (instanceIds.length === 0) {
          return sendFailed(
            `nothing sent: none of the ${refused.length} instance(s) named carries the service's tags ${describeTags(required)}`,
            refused,
          );
        }
      }
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

    if (waitMs < 0) {
      const left = Math.round((waitMs / 1_000 + this.recordMarginSeconds) * 10) / 10;
      return sendFailed(
        `nothing sent: the function had ${left}s left, less than the ${this.recordMarginSeconds}s it keeps to ` +
          'record and alert the outcome',
      );
    }

    const checked = await reachableInstances(this.options.ssm, instanceIds);
    const reachable = { ...checked, skipped: [...refused, ...checked.skipped] };
    if (reachable.online.length === 0) {
      return sendFailed(
        `nothing sent: none of the ${instanceIds.length} instance(s) is managed by SSM and online`,
        reachable.skipped,
      );
    }
    let sent: { readonly commandId: string; readonly instanceIds: readonly string[] };
    try {
      sent = await this.sendToReachable(reachable.online, parameters.values, waitMs);
    } catch (error) {
      return sendFailed(sendErrorOf('SendCommand', error).message, reachable.skipped);
    }
    const cutToSeconds = waitMs < this.waitSeconds * 1_000 ? Math.round(waitMs / 1_000) : undefined;
    const detail: SsmHandleDetail = {
      executor,
      // In the order the hosts were named or found, refused ones where they were named.
      order: 'instanceIds' in target ? [...target.instanceIds] : [...instanceIds],
      sent: [...sent.instanceIds],
      skipped: [...reachable.skipped, ...refusedHosts(reachable.online, sent.instanceIds)],
      ...(reachable.lookupProblem !== undefined ? { lookup_problem: reachable.lookupProblem } : {}),
      wait_seconds: this.waitSeconds,
      ...(cutToSeconds !== undefined ? { cut_to_seconds: cutToSeconds } : {}),
    };
    const handle: RollbackHandle = {
      kind: SSM_ROLLBACK_KIND,
      id: sent.commandId,
      started_at: new Date(startedAt).toISOString(),
      wait_until: new Date(startedAt + Math.max(0, waitMs)).toISOString(),
      detail,
    };
    return { state: 'started', handle };
  }

  /** Reads every sent host's invocation once: running while one still runs and the wait has time left. */
  public poll(handle: RollbackHandle): Promise<RollbackPoll> {
    return pollSsmRollback(this.options.ssm, handle, Date.now());
  }

  /** Sends, then polls with a growing delay (the poll delays) until every host finished or the wait ran out. */
  public async run(request: RollbackRequest): Promise<RollbackResult> {
    const started = await this.start(request);
    if (started.state === 'done') return started.result;
    const { handle } = started;
    const waitUntil = Date.parse(handle.wait_until);
    let delaySeconds = this.pollDelay.min;
    // Each poll either finishes or waits at least a millisecond towards wait_until, after which it must finish.
    for (;;) {
      const polled = await this.poll(handle);
      if (polled.state === 'done') return polled.result;
      const leftMs = waitUntil - Date.now();
      await sleep(Math.max(1, Math.min(delaySeconds * 1_000, leftMs)));
      delaySeconds = Math.min(delaySeconds * 2, this.pollDelay.max);
    }
  }

  /** The configured wait, cut to the invocation's time less the record margin; negative when even that is gone. */
  private waitBudgetMs(): number {
    const configured = this.waitSeconds * 1_000;
    const remaining = this.options.remainingTimeMs?.();
    if (remaining === undefined) return configured;
    return Math.min(configured, remaining - this.recordMarginSeconds * 1_000);
  }

  /**
   * Sends to `instanceIds`; when SSM still refuses some of them as InvalidInstanceId (registered a moment ago, gone
   * since), sends once more without the ones it named, so the others are still rolled back.
   */
  private async sendToReachable(
    instanceIds: readonly string[],
    values: DocumentValues,
    waitMs: number,
  ): Promise<{ readonly commandId: string; readonly instanceIds: readonly string[] }> {
    try {
      return { commandId: await this.send(instanceIds, values, waitMs), instanceIds };
    } catch (error) {
      const refused = refusedInstances(error, instanceIds);
      if (refused === undefined) throw error;
      const rest = instanceIds.filter((instanceId) => !refused.includes(instanceId));
      return { commandId: await this.send(rest, values, waitMs), instanceIds: rest };
    }
  }

  /** Loads the EC2 lookup (and the EC2 SDK) only now: a healthy gate never gets here. */
  private async runningInstancesTagged(tags: Readonly<Record<string, string>>): Promise<string[]> {
    const [{ runningInstancesTagged }, ec2] = await Promise.all([
      import('./ec2-tagged-instances.ts'),
      this.options.ec2(),
    ]);
    return runningInstancesTagged(ec2, tags, MAX_ROLLBACK_INSTANCES);
  }

  private async send(instanceIds: readonly string[], values: DocumentValues, waitMs: number): Promise<string> {
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
        TimeoutSeconds: Math.max(MIN_SEND_TIMEOUT_SECONDS, Math.ceil(waitMs / 1_000)),
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
}

function serviceTags(scope: RollbackScope): Record<string, string> {
  return { [SERVICE_TAG_KEY]: scope.service, [ENVIRONMENT_TAG_KEY]: scope.environment };
}

function describeTarget(target: RollbackTarget): string {
  return 'instanceIds' in target
    ? `instances ${target.instanceIds.join(', ')}`
    : `running instances tagged ${tagsText(target.tags)}`;
}

function tagsText(tags: Readonly<Record<string, string>>): string {
  return describeTags(tags);
}

/** The hosts SSM refused as InvalidInstanceId when sending: asked for, online a moment before, never sent the command. */
function refusedHosts(online: readonly string[], sent: readonly string[]): RollbackHostResult[] {
  return online
    .filter((instanceId) => !sent.includes(instanceId))
    .map((instanceId) => notManaged(instanceId, 'not sent: SendCommand refused it as InvalidInstanceId'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sendErrorOf(operation: string, error: unknown): RollbackSendError {
  return new RollbackSendError(`nothing sent: ${operation} failed: ${describeError(error)}`, {
    cause: error,
  });
}
