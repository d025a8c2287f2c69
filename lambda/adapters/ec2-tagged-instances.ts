// Tag targets resolved to running instance ids for the SSM rollback. Its own module so the EC2 SDK, the largest
// client package, is loaded only when a rollback has tags to resolve (ssm-rollback.ts imports this on demand).

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
