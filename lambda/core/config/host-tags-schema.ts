// The EC2 tags that say which hosts belong to a service: where its rollback goes, and the values the functions' IAM
// lets them send commands to. One definition for the service registration, the rollback checks and the stack's IAM.

import * as z from 'zod/mini';
import { stringMatching } from './config-schema.ts';

/** A rollback is sent to hosts found by at most this many tags (EC2 filters and IAM conditions, one per tag). */
export const MAX_HOST_TAGS = 10;

export const SERVICE_TAG_KEY = 'rollgate:service';
export const ENVIRONMENT_TAG_KEY = 'rollgate:environment';

// EC2's tag alphabet; a value is matched exactly by a DescribeInstances filter and an IAM condition, so not empty.
export const tagKeySchema = stringMatching(
  /^[A-Za-z0-9 _.:/=+@-]{1,128}$/,
  'must be an EC2 tag key (1-128 characters)',
);
export const tagValueSchema = stringMatching(
  /^[A-Za-z0-9 _.:/=+@-]{1,256}$/,
  'must be an EC2 tag value (1-256 characters)',
);

/** A host carries every one of these tags, with these values. */
export const hostTagsSchema = z.record(tagKeySchema, tagValueSchema).check(
  z.superRefine((tags, ctx) => {
    const count = Object.keys(tags).length;
    if (count === 0 || count > MAX_HOST_TAGS) {
      ctx.addIssue({ code: 'custom', message: `must hold 1-${MAX_HOST_TAGS} tags`, input: tags });
    }
  }),
);

export type HostTags = Readonly<Record<string, string>>;

/** The tags a service's hosts carry unless its registration says otherwise. */
export function defaultHostTags(service: string, environment: string): HostTags {
  return { [SERVICE_TAG_KEY]: service, [ENVIRONMENT_TAG_KEY]: environment };
}

/** `rollgate:service=checkout, rollgate:environment=prod` */
export function describeTags(tags: HostTags): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
