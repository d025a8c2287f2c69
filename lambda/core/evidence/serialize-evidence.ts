// The exact text every evidence store writes for a record: one definition, so the SHA-256 a chained record names its
// predecessor by is the hash of the bytes as stored, whichever store stored them.

import { createHash } from 'node:crypto';
import type { EvidenceDocument } from './evidence.ts';

/** Pretty-printed JSON with a final newline: readable with `cat`, and the same bytes in S3 and on disk. */
export function serializeEvidence(document: EvidenceDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** SHA-256 of `content` (text is hashed as its UTF-8 bytes), lowercase hex. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
