// The input of a scheduled check: the monitor object the stack puts on its EventBridge schedule. The stack validates
// monitors at synth time; this checks again at run time, since a rule's input can be edited outside the stack.

import * as z from 'zod/mini';
import { parseWithSchema, type GateConfig } from './config-schema.ts';
import { nameSchema, probeSettingsShape, probeTargetsShape, toGateConfig } from './probe-request-schema.ts';

export const monitorInputSchema = z
  .strictObject({
    monitor: nameSchema,
    // The stack's monitor props accept urls, targets or both; both are probed, urls first.
    ...probeTargetsShape,
    rollbackOnFailure: z._default(z.boolean(), false),
    service: z.optional(nameSchema),
    environment: z.optional(nameSchema),
    ...probeSettingsShape,
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.urls === undefined && value.targets === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['urls'],
          message: 'give urls or targets with at least one entry',
          input: value.urls,
        });
      }
      // The rollback goes to the instances tagged with both, and the document needs both as parameters.
      if (value.rollbackOnFailure && (value.service === undefined || value.environment === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rollbackOnFailure'],
          message: 'needs service and environment, which pick the instances to roll back',
          input: value.rollbackOnFailure,
        });
      }
    }),
  );

export interface MonitorCheck {
  readonly monitor: string;
  readonly gateConfig: GateConfig;
  readonly service?: string;
  readonly environment?: string;
  /** Set only when the monitor rolls back on failure: whose rollgate:* tagged instances to send the rollback to. */
  readonly rollbackScope: { readonly service: string; readonly environment: string } | undefined;
}

/** Validates a monitor input. Throws ConfigError (one problem) or ConfigErrors (several), naming each field. */
export function parseMonitorInput(raw: unknown): MonitorCheck {
  const input = parseWithSchema(monitorInputSchema, raw, {}, 'monitor input');
  const rollbackScope =
    input.rollbackOnFailure && input.service !== undefined && input.environment !== undefined
      ? { service: input.service, environment: input.environment }
      : undefined;
  return {
    monitor: input.monitor,
    gateConfig: toGateConfig(input, input.expectedVersion),
    ...(input.service !== undefined ? { service: input.service } : {}),
    ...(input.environment !== undefined ? { environment: input.environment } : {}),
    rollbackScope,
  };
}
