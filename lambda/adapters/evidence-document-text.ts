// Reading a stored evidence document back, for every reader: the text must be JSON and say it is Rollgate evidence.
// Anything else is an answer (an object that is not a record), not an exception: listing skips it and says so.

import { errorMessageOf } from '../core/errors.ts';
import { TOOL_NAME, type EvidenceDocument } from '../core/evidence/evidence.ts';
import type { EvidenceRead } from '../core/evidence-query/evidence-reader.ts';

/** A record larger than this is not read: evidence is a few KiB, at most a few MiB with hundreds of targets. */
export const MAX_EVIDENCE_BYTES = 16 * 1024 * 1024;

export const NOT_EVIDENCE = 'is not a Rollgate evidence document';

export function parseEvidenceText(text: string): EvidenceRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `is not JSON: ${errorMessageOf(error)}` };
  }
  return isEvidenceDocument(parsed) ? { ok: true, document: parsed } : { ok: false, problem: NOT_EVIDENCE };
}

/** Rollgate's by its own marks, with the fields every reader sorts and groups by. */
function isEvidenceDocument(value: unknown): value is EvidenceDocument {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.tool === TOOL_NAME &&
    typeof record.schema_version === 'number' &&
    typeof record.started_at === 'string' &&
    typeof record.status === 'string' &&
    typeof record.context === 'object' &&
    record.context !== null
  );
}
