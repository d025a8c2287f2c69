// The port through which the operator tools read evidence back, wherever a gate or a monitor wrote it (the stack's
// bucket, a local directory): list the runs of a scope newest first, a page at a time, and get one record.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import type { EvidenceQuery, EvidenceScope } from './evidence-query.ts';

/** One stored record and where it is. */
export interface EvidenceEntry {
  /** The reader's name for it: an S3 key, or a path relative to the evidence directory. */
  readonly key: string;
  /** Where an operator finds it: `s3://bucket/key` or a file path. */
  readonly uri: string;
  readonly document: EvidenceDocument;
}

/** A run: its most complete record, and the keys of all its records as listed (newest first). */
export interface EvidenceRun extends EvidenceEntry {
  readonly records: readonly string[];
}

/** A stored object where a record was expected, that is not one (not JSON, not Rollgate's, too large). */
export interface UnreadableRecord {
  readonly key: string;
  readonly problem: string;
}

export interface EvidencePage {
  /** Newest first. */
  readonly runs: readonly EvidenceRun[];
  /** Pass as `after` for the next page; absent when there is nothing more. */
  readonly next?: string;
  /** Records read to answer (the filters are applied to records, so a narrow filter reads more). */
  readonly examined: number;
  readonly unreadable: readonly UnreadableRecord[];
}

/** Reads evidence. Throws EvidenceReadError when the store itself cannot be read (no bucket, no access, no such key). */
export interface EvidenceReader {
  /** Where it reads, for messages: `s3://bucket` or a directory. */
  describe(): string;
  list(query: EvidenceQuery): Promise<EvidencePage>;
  /** One record; a key that holds no Rollgate evidence is an EvidenceReadError. */
  get(key: string): Promise<EvidenceEntry>;
}

/** What a record read gives: the document, or why the object is not one (an expected outcome while listing). */
export type EvidenceRead =
  | { readonly ok: true; readonly document: EvidenceDocument }
  | { readonly ok: false; readonly problem: string };

/** Which part of a scope's records to list: from `after` (exclusive), back to `since`, none started at `before` or later. */
export interface EvidenceKeyBounds {
  readonly since?: Date;
  readonly before?: Date;
  readonly after?: string;
}

/**
 * What each reader adapter provides so that listEvidenceRuns can page, group and filter the same way for all of them.
 * `keys` yields the records of a scope newest first (by the run's start; the records of one run next to each other),
 * strictly after `after` in that order, and may leave out whole days before `since` or from `before` on.
 */
export interface EvidenceRecordSource {
  keys(scope: EvidenceScope, bounds: EvidenceKeyBounds): AsyncIterable<string>;
  read(key: string): Promise<EvidenceRead>;
  uriOf(key: string): string;
}
