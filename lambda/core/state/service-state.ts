// What Rollgate remembers about a service in one environment: the version it last deployed, the versions proven good
// (the rollback targets), the last rollback, and a deploy or rollback still under way.

import * as z from 'zod/mini';
import { versionSchema } from '../config/config-schema.ts';
import { commitSchema, digestSchema } from '../config/deploy-event-schema.ts';
import { evidenceUriSchema, isBefore, printableText, runRecordSchema, timestampSchema } from './state-field-schemas.ts';

/** Known-good versions kept per service: enough to step back past a few bad deploys, small enough to read each run. */
export const MAX_KNOWN_GOOD_VERSIONS = 10;

export const versionRecordSchema = z.strictObject({
  version: versionSchema,
  digest: z.optional(digestSchema),
  commit: z.optional(commitSchema),
  at: timestampSchema,
  /** The evidence that proved it (for a known-good version) or recorded its deploy. */
  evidence: z.optional(evidenceUriSchema),
});

export type VersionRecord = z.infer<typeof versionRecordSchema>;

const knownGoodSchema = z.array(versionRecordSchema).check(
  z.maxLength(MAX_KNOWN_GOOD_VERSIONS),
  // The planner rolls back to the first entry; an out-of-order list would pick an older version than it says.
  z.superRefine((records, ctx) => {
    const outOfOrder = records.findIndex((record, index) => index > 0 && isBefore(records[index - 1]!.at, record.at));
    if (outOfOrder > 0) {
      const message = 'must list the newest version first';
      ctx.addIssue({ code: 'custom', path: [outOfOrder, 'at'], message, input: records[outOfOrder]!.at });
    }
  }),
);

export const serviceStateSchema = z.strictObject({
  /** The version most recently deployed through Rollgate, whatever its verdict. */
  deployed: z.optional(versionRecordSchema),
  /** Versions that passed the gate, newest first. */
  knownGood: knownGoodSchema,
  lastRollbackAt: z.optional(timestampSchema),
  lastRun: z.optional(runRecordSchema),
  ongoing: z.optional(
    z.strictObject({
      kind: z.enum({ deploy: 'deploy', rollback: 'rollback' }),
      version: versionSchema,
      startedAt: timestampSchema,
      /** What runs it: a Step Functions execution or an SSM command id. */
      execution: z.optional(printableText(2048)),
    }),
  ),
});

export type ServiceState = z.infer<typeof serviceStateSchema>;
