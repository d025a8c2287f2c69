// The head of a chain of evidence records (a deploy's or a monitor's): the hash and URI of the latest record and its
// place in the chain, so the next record can name its predecessor and a gap or a rewrite shows.

import * as z from 'zod/mini';
import { evidenceUriSchema } from './state-field-schemas.ts';

export const evidenceChainHeadSchema = z.strictObject({
  /** SHA-256 of the latest record, lowercase hex. */
  lastHash: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash in lowercase hex')),
  lastUri: evidenceUriSchema,
  /** The latest record's position: 1 for the first record of the chain. */
  sequence: z.int().check(z.minimum(1)),
});

export type EvidenceChainHead = z.infer<typeof evidenceChainHeadSchema>;
