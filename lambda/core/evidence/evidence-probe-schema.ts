// The schema of what a probe recorded in evidence: each target's result, its attempts and the conditions each attempt
// was judged by (probe/probe.ts, probe/expectations.ts). Part of the evidence document's schema (evidence-schema.ts).

import * as z from 'zod/mini';
import type { ExpectationName } from '../probe/expectations.ts';
import type { ProbeErrorKind } from '../probe/probe-error.ts';

const count = z.int().check(z.minimum(0));

// Keyed by the probe's own types, so a kind added there fails to compile here until the schema knows it.
const EXPECTATION_NAMES: { readonly [N in ExpectationName]: N } = {
  connected: 'connected',
  status: 'status',
  health_body: 'health_body',
  health_status: 'health_status',
  version: 'version',
  latency: 'latency',
  body_contains: 'body_contains',
};

const PROBE_ERROR_KINDS: { readonly [K in ProbeErrorKind]: K } = {
  address_refused: 'address_refused',
  timeout: 'timeout',
  connection_refused: 'connection_refused',
  dns: 'dns',
  dns_unavailable: 'dns_unavailable',
  tls: 'tls',
  reset: 'reset',
  unreachable: 'unreachable',
  body_too_large: 'body_too_large',
  too_many_redirects: 'too_many_redirects',
  redirect_loop: 'redirect_loop',
  bad_redirect: 'bad_redirect',
  invalid_response: 'invalid_response',
  local_resources_exhausted: 'local_resources_exhausted',
  network: 'network',
};

export const expectationResultSchema = z.strictObject({
  name: z.enum(EXPECTATION_NAMES),
  ok: z.boolean(),
  observed: z.string(),
  expected: z.string(),
  /** `[STATUS] 503 in [200-299]`. */
  condition: z.string(),
});

export const probeAttemptSchema = z.strictObject({
  attempt: z.int().check(z.minimum(1)),
  /** Whole milliseconds. */
  latency_ms: count,
  http_status: z.optional(z.int()),
  error: z.optional(z.enum(PROBE_ERROR_KINDS)),
  error_detail: z.optional(z.string()),
  redirects: z.optional(z.array(z.string())),
  body_bytes: z.optional(count),
  wire_bytes: z.optional(count),
  remote_address: z.optional(z.string()),
  body_excerpt: z.optional(z.string()),
  version: z.optional(z.string()),
  ok: z.boolean(),
  expectations: z.array(expectationResultSchema),
});

export const targetResultSchema = z.strictObject({
  name: z.optional(z.string()),
  /** Redacted. */
  url: z.string(),
  ok: z.boolean(),
  reason: z.optional(z.string()),
  version: z.optional(z.string()),
  expected_version: z.optional(z.string()),
  /** Names only: header values are never recorded. */
  header_names: z.optional(z.array(z.string())),
  attempts: z.array(probeAttemptSchema),
  expectations: z.array(expectationResultSchema),
});
