// The fields several state items share: timestamps, evidence URIs, free text and the record of a run. Everything read
// from a store is untrusted, so text is bounded and free of control characters (`rollgate status` prints it).

import * as z from 'zod/mini';
import { STATUS_REASONS, type GateStatus } from '../verdict/verdict.ts';

/** An ISO-8601 UTC timestamp with a `Z`, as `Date.prototype.toISOString` writes it. */
export const timestampSchema = z.iso.datetime();

/** Text of 1 to `max` characters with no control characters: nothing that rewrites a terminal line or a log entry. */
export const printableText = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain line breaks or control characters'),
    );

/** Where a record lives: `s3://bucket/key` or a local file path. */
export const evidenceUriSchema = printableText(2048);

// Keyed by the verdict's own types, so a status or reason added there fails to compile here until the state knows it.
const GATE_STATUSES: { readonly [S in GateStatus]: S } = { passed: 'passed', failed: 'failed', skipped: 'skipped' };

/** The outcome of the latest run, and the evidence that records it. */
export const runRecordSchema = z.strictObject({
  status: z.enum(GATE_STATUSES),
  statusReason: z.enum(STATUS_REASONS),
  at: timestampSchema,
  evidence: z.optional(evidenceUriSchema),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

/** Instants compared as times, not as text: `10:00Z` and `10:00:00.000Z` are the same moment. */
export function isBefore(earlier: string, later: string): boolean {
  return Date.parse(earlier) < Date.parse(later);
}
