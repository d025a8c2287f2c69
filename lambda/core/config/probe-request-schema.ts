// The schema pieces a deploy event, a monitor and a service registration share: the names that become S3 key parts,
// EC2 tag values and rollback document parameters, and what to probe (urls or targets). Limits come from
// gateConfigSchema, so neither can ask for anything the CLI could not.

import * as z from 'zod/mini';
import { gateConfigSchema, stringMatching, targetSchema } from './config-schema.ts';
import { NAME_PATTERN } from './name-patterns.ts';

/** A service, environment or monitor name; the same pattern the stack and the rollback document enforce. */
export const NAME_RULE = 'must be 1-64 letters, digits, dots, dashes or underscores';

export const nameSchema = stringMatching(NAME_PATTERN, NAME_RULE);

/** `urls` probe with the default expectations; `targets` carry their own expectations and headers. */
export const probeTargetsShape = {
  urls: z.optional(z.array(targetSchema.shape.url).check(z.minLength(1), z.maxLength(10_000))),
  targets: z.optional(gateConfigSchema.shape.targets.check(z.minLength(1))),
};
