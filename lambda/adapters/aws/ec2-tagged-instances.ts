// The EC2 side of the SSM rollback: tag targets resolved to running instance ids, and instance ids from an event
// checked to carry a service's host tags. Its own module so the EC2 SDK, the largest client package, is loaded only
// when a rollback needs it (ssm-rollback.ts imports this on demand).

import { paginateDescribeInstances, type EC2Client, type Filter } from '@aws-sdk/client-ec2';

/**
 * Ids of the running instances carrying every tag, paginated, stopping once there are more than `limit` (the caller
 * refuses a fleet it cannot reach in one command). SDK errors propagate for the caller to wrap.
 */
export async function runningInstancesTagged(
  ec2: EC2Client,
  tags: Readonly<Record<string, string>>,
  limit: number,
): Promise<string[]> {
  const filters: Filter[] = [
    ...Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    { Name: 'instance-state-name', Values: ['running'] },
  ];
  const ids: string[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 100 }, { Filters: filters })) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.InstanceId !== undefined) ids.push(instance.InstanceId);
      }
    }
    if (ids.length > limit) break;
  }
  return ids;
}

/**
 * Which of `instanceIds` carry every one of `tags`, with those values (in any state: whether SSM can reach them is
 * asked next). Filters, not InstanceIds, so an id EC2 does not know is simply not returned rather than failing the
 * call. SDK errors propagate: the caller then sends nothing, since it cannot tell whose hosts they are.
 */
export async function instancesCarryingTags(
  ec2: EC2Client,
  instanceIds: readonly string[],
  tags: Readonly<Record<string, string>>,
): Promise<Set<string>> {
  const filters: Filter[] = [
    { Name: 'instance-id', Values: [...instanceIds] },
    ...Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
  ];
  const carrying = new Set<string>();
  // At most 50 ids (one rollback command), so a few pages at most; the bound only stops a misbehaving paginator.
  let pages = 0;
  for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 100 }, { Filters: filters })) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const id = instance.InstanceId;
        const tagged = Object.entries(tags).every(([key, value]) =>
          (instance.Tags ?? []).some((tag) => tag.Key === key && tag.Value === value),
        );
        // Checked again on what EC2 returned: the filters are the request, the tags the instance's own.
        if (id !== undefined && instanceIds.includes(id) && tagged) carrying.add(id);
      }
    }
    pages += 1;
    if (pages >= 10) break;
  }
  return carrying;
}
