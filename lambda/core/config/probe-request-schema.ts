// The schema pieces a deploy event and a monitor share: the names that become S3 key parts, EC2 tag values and rollback
// document parameters, what to probe (urls or targets), the probe settings an event may tune, and the step from them
// to a GateConfig. Limits and defaults come from gateConfigSchema, so an event can ask for nothing the CLI could not.

import * as z from 'zod/mini';
import {
  gateConfigSchema,
  stringMatching,
  targetSchema,
  versionSchema,
  type GateConfig,
  type TargetConfig,
} from './config-schema.ts';
import { NAME_PATTERN } from './name-patterns.ts';

/** A service, environment or monitor name; the same pattern the stack and the rollback document enforce. */
export const NAME_RULE = 'must be 1-64 letters, digits, dots, dashes or underscores';

export const nameSchema = stringMatching(NAME_PATTERN, NAME_RULE);

/** `urls` probe with the default expectations; `targets` carry their own expectations and headers. */
export const probeTargetsShape = {
  urls: z.optional(z.array(targetSchema.shape.url).check(z.minLength(1), z.maxLength(10_000))),
  targets: z.optional(gateConfigSchema.shape.targets.check(z.minLength(1))),
};

/** The probe settings an event may set; absent ones take the gate's defaults. */
export const probeSettingsShape = {
  expectedVersion: z.optional(versionSchema),
  timeoutMs: gateConfigSchema.shape.timeoutMs,
  retries: gateConfigSchema.shape.retries,
  backoffMs: gateConfigSchema.shape.backoffMs,
  concurrency: gateConfigSchema.shape.concurrency,
  maxBodyBytes: gateConfigSchema.shape.maxBodyBytes,
};

export interface ProbeRequest {
  readonly urls?: readonly string[] | undefined;
  readonly targets?: readonly TargetConfig[] | undefined;
  readonly expectedVersion?: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly concurrency: number;
  readonly maxBodyBytes: number;
}

/** The GateConfig for a parsed request: `urls` first (as plain targets), then `targets`. */
export function toGateConfig(request: ProbeRequest, expectedVersion: string | undefined): GateConfig {
  return {
    targets: [...(request.urls ?? []).map((url) => ({ url })), ...(request.targets ?? [])],
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    timeoutMs: request.timeoutMs,
    retries: request.retries,
    backoffMs: request.backoffMs,
    concurrency: request.concurrency,
    maxBodyBytes: request.maxBodyBytes,
    failOnSkipped: false,
  };
}
