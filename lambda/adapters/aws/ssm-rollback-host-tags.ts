// Instance ids that came with a deploy event, held to the service's host tags before the rollback sends anything:
// DescribeInstances shows which carry every tag, and the others are named and never sent the command. An event for
// service A can thereby not roll back a host of service B, whatever ids it names.

import type { EC2Client } from '@aws-sdk/client-ec2';
import { describeTags } from '../../core/config/host-tags-schema.ts';
import { describeError } from '../../core/errors.ts';
import type { RollbackHostResult } from '../../core/rollback/rollback-result.ts';
import { NOT_THE_SERVICES_STATUS } from './ssm-rollback-outcome.ts';

export type HostTagCheck =
  | { readonly carrying: readonly string[]; readonly refused: readonly RollbackHostResult[] }
  | { readonly problem: string };

/** Splits `instanceIds` into those carrying all of `tags` and those refused (named, with why). */
export async function checkHostTags(
  ec2: () => Promise<EC2Client>,
  instanceIds: readonly string[],
  tags: Readonly<Record<string, string>>,
): Promise<HostTagCheck> {
  let carrying: Set<string>;
  try {
    // Loaded only now, with the EC2 SDK: a healthy gate never gets here.
    const [{ instancesCarryingTags }, client] = await Promise.all([import('./ec2-tagged-instances.ts'), ec2()]);
    carrying = await instancesCarryingTags(client, instanceIds, tags);
  } catch (error) {
    // Not knowing whose hosts they are is a reason to send nothing.
    return {
      problem:
        `nothing sent: DescribeInstances failed: ${describeError(error)}, so whose hosts ` +
        `${instanceIds.join(', ')} are could not be checked`,
    };
  }
  return {
    carrying: instanceIds.filter((id) => carrying.has(id)),
    refused: instanceIds.filter((id) => !carrying.has(id)).map((id) => notTheServices(id, tags)),
  };
}

/** An instance an event named that is not the service's: named in the record, never sent the command. */
function notTheServices(instanceId: string, tags: Readonly<Record<string, string>>): RollbackHostResult {
  return {
    instance_id: instanceId,
    status: NOT_THE_SERVICES_STATUS,
    exit_code: null,
    output_tail: '',
    detail: `not sent: it does not carry the service's tags ${describeTags(tags)} (or EC2 does not know it)`,
  };
}
