// Which of the instances a rollback is meant for SSM can reach. SendCommand refuses the whole command when one instance
// id is unknown to SSM (a terminated host, an id from a stale event), so no host would be rolled back; asking SSM first
// and sending to the managed, online instances only lets every host that can be rolled back be rolled back, and names
// the others with the reason.

import { paginateDescribeInstanceInformation, type SSMClient } from '@aws-sdk/client-ssm';
import { describeError, errorMessageOf, errorNameOf } from '../../core/errors.ts';
import type { RollbackHostResult } from '../../core/rollback/rollback-result.ts';
import { NOT_MANAGED_STATUS } from './ssm-rollback-outcome.ts';

/** DescribeInstanceInformation's largest page when filtering by instance id. */
const PAGE_SIZE = 50;
/** A rollback asks about at most 50 instances, one page; the bound only stops a misbehaving paginator. */
const MAX_PAGES = 10;
/** EC2 instance ids and hybrid managed-node ids as SSM quotes them (`Instances [[i-0abc, i-0def]] not in a valid state`). */
const INSTANCE_ID_IN_TEXT = /\bm?i-[0-9a-f]{8,17}\b/g;

export interface ReachableInstances {
  /** Managed by SSM with their agent online: the command goes to these. */
  readonly online: readonly string[];
  /** Asked for but not sent the command, each with why. */
  readonly skipped: readonly RollbackHostResult[];
  /** Set when SSM could not be asked: then every instance is tried, and SSM's own refusal is handled when sending. */
  readonly lookupProblem?: string;
}

/** Splits `instanceIds` by what SSM knows of them: managed and online, or not (named with the reason). */
export async function reachableInstances(ssm: SSMClient, instanceIds: readonly string[]): Promise<ReachableInstances> {
  const pingStatus = new Map<string, string>();
  try {
    const pages = paginateDescribeInstanceInformation(
      { client: ssm, pageSize: PAGE_SIZE },
      { Filters: [{ Key: 'InstanceIds', Values: [...instanceIds] }] },
    );
    let pageCount = 0;
    for await (const page of pages) {
      for (const information of page.InstanceInformationList ?? []) {
        if (information.InstanceId !== undefined) {
          pingStatus.set(information.InstanceId, information.PingStatus ?? 'Unknown');
        }
      }
      pageCount += 1;
      if (pageCount >= MAX_PAGES) break;
    }
  } catch (error) {
    // Not knowing which hosts SSM can reach is no reason to reach none: every host is tried instead.
    return {
      online: [...instanceIds],
      skipped: [],
      // One line: SDK deserialization errors span several.
      lookupProblem: `DescribeInstanceInformation failed (${describeError(error).replace(/\s+/g, ' ')}), so every instance was sent the command`,
    };
  }
  const online = instanceIds.filter((instanceId) => pingStatus.get(instanceId) === 'Online');
  const skipped = instanceIds
    .filter((instanceId) => pingStatus.get(instanceId) !== 'Online')
    .map((instanceId) => {
      const status = pingStatus.get(instanceId);
      return notManaged(
        instanceId,
        status === undefined
          ? 'not sent: SSM does not manage this instance (no registered SSM agent, or the instance is gone)'
          : `not sent: its SSM agent is ${status}, not Online`,
      );
    });
  return { online, skipped };
}

/**
 * The instances SSM named in an InvalidInstanceId refusal of a SendCommand to `sent`, when it named some but not all
 * of them: the command can then go again to the rest. Undefined for any other error, or a refusal naming none.
 */
export function refusedInstances(error: unknown, sent: readonly string[]): readonly string[] | undefined {
  if (errorNameOf(error) !== 'InvalidInstanceId') return undefined;
  const inMessage = new Set(errorMessageOf(error).match(INSTANCE_ID_IN_TEXT) ?? []);
  const named = sent.filter((instanceId) => inMessage.has(instanceId));
  return named.length > 0 && named.length < sent.length ? named : undefined;
}

/** A host the command was not sent to, and why. */
export function notManaged(instanceId: string, detail: string): RollbackHostResult {
  return { instance_id: instanceId, status: NOT_MANAGED_STATUS, exit_code: null, output_tail: '', detail };
}
