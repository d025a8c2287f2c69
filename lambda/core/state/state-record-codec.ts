// Between state items and what the adapters store (the JSON text of the item, its revision, its expiry in epoch
// seconds): one decoder that trusts nothing it reads, and one preparer that refuses a write before anything is sent,
// so the three adapters validate, number revisions and round expiries identically.

import { parseWithSchema } from '../config/config-schema.ts';
import { ConfigError, ConfigErrors, errorMessageOf } from '../errors.ts';
import type { StateEntry } from './state-read-result.ts';
import { STATE_ITEM_SCHEMAS, type StateValue } from './state-item-schemas.ts';
import { parseStateKey, type StateKey, type StateKind } from './state-keys.ts';
import { StateChangeError } from './state-errors.ts';
import { revisionAfter, type StateChange } from './state-store.ts';

/** DynamoDB's limit on one transaction, kept by every adapter so a plan that one store accepts, all accept. */
export const MAX_STATE_CHANGES = 100;
/**
 * How long a store keeps an expired item (and so its revision) before removing it, as DynamoDB's TTL takes hours to
 * days: long past any run still holding a read of it, so a removed and re-created item never meets a stale revision.
 */
export const DEFAULT_EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A state item is a few hundred bytes; anything near this is a bug, and a store must not be made to read more. */
export const MAX_STATE_DOCUMENT_CHARS = 64 * 1024;

/** An item as an adapter found it, before anything about it is believed. */
export interface StoredStateRecord {
  readonly key: string;
  /** The item's JSON text; undefined when the store holds none. */
  readonly document: string | undefined;
  readonly revision: unknown;
  /** Epoch seconds, or undefined for an item that never expires. */
  readonly expiresAt?: unknown;
  /** The kind the store filed it under (DynamoDB's `kind` attribute), which must agree with the key. */
  readonly kind?: unknown;
}

/** Decides what a stored item is: live, expired (absent, revision kept) or invalid (with the problem). */
export function decodeStateRecord(record: StoredStateRecord, now: Date): StateEntry {
  const invalid = (problem: string, revision = positiveRevision(record.revision)): StateEntry => ({
    status: 'invalid',
    key: record.key,
    revision,
    problem,
  });
  const parsedKey = parseStateKey(record.key);
  if (parsedKey === undefined) return invalid('is not a Rollgate state key');
  const { key, kind } = parsedKey;
  const revision = positiveRevision(record.revision);
  if (revision === undefined) return invalid(`has no valid revision (got ${String(record.revision)})`, undefined);
  if (record.kind !== undefined && record.kind !== kind) {
    return invalid(`is filed as kind ${String(record.kind)}, but its key names kind ${kind}`);
  }
  if (record.expiresAt !== undefined && !isEpochSeconds(record.expiresAt)) {
    return invalid(`has an expiry that is not epoch seconds (got ${String(record.expiresAt)})`);
  }
  const value = parseDocument(kind, record.document);
  if (record.expiresAt !== undefined && record.expiresAt * 1000 <= now.getTime()) {
    const expiresAt = new Date(record.expiresAt * 1000);
    return { status: 'expired', key, kind, revision, expiresAt, ...(value.ok ? { value: value.value } : {}) };
  }
  if (!value.ok) return invalid(value.problem);
  const expiresAt = record.expiresAt === undefined ? {} : { expiresAt: new Date(record.expiresAt * 1000) };
  return { status: 'live', key, kind, item: { value: value.value, revision, ...expiresAt } };
}

/** A change checked and encoded, ready for an adapter to apply. */
export interface PreparedStateChange {
  readonly op: 'put' | 'delete';
  readonly key: StateKey;
  readonly kind: StateKind;
  readonly expectedRevision: number | undefined;
  /** A put's new revision and JSON text; absent for a delete. */
  readonly revision?: number;
  readonly document?: string;
  /** Epoch seconds, rounded up so an item never expires before the moment asked for. */
  readonly expiresAt?: number;
}

/**
 * Checks a batch before anything is written: at most MAX_STATE_CHANGES, one change per key, well-formed keys and
 * revisions, and each value valid for its key's kind (a store must never hold what it would refuse to read).
 * Throws StateChangeError naming the key.
 */
export function prepareStateChanges(changes: readonly StateChange[]): PreparedStateChange[] {
  if (changes.length > MAX_STATE_CHANGES) {
    throw new StateChangeError(undefined, `${changes.length} changes, more than the ${MAX_STATE_CHANGES} allowed`);
  }
  const seen = new Set<string>();
  return changes.map((change) => {
    const parsedKey = parseStateKey(change.key);
    if (parsedKey === undefined) throw new StateChangeError(change.key, 'is not a Rollgate state key');
    if (seen.has(change.key)) throw new StateChangeError(change.key, 'is changed twice in one write');
    seen.add(change.key);
    const expected = change.expectedRevision;
    if (expected !== undefined && positiveRevision(expected) === undefined) {
      throw new StateChangeError(change.key, `expected revision must be a whole number from 1 (got ${expected})`);
    }
    if (change.op === 'delete') {
      return { op: 'delete', key: change.key, kind: parsedKey.kind, expectedRevision: change.expectedRevision };
    }
    const problem = schemaProblem(parsedKey.kind, change.value);
    if (problem !== undefined)
      throw new StateChangeError(change.key, `is not a valid ${parsedKey.kind} item: ${problem}`);
    const document = JSON.stringify(change.value);
    if (document.length > MAX_STATE_DOCUMENT_CHARS) {
      throw new StateChangeError(change.key, `is ${document.length} characters, over ${MAX_STATE_DOCUMENT_CHARS}`);
    }
    const expiresAt = change.expiresAt === undefined ? {} : { expiresAt: expirySeconds(change.key, change.expiresAt) };
    return {
      op: 'put',
      key: change.key,
      kind: parsedKey.kind,
      expectedRevision: expected,
      revision: revisionAfter(change),
      document,
      ...expiresAt,
    };
  });
}

type ParsedDocument =
  | { readonly ok: true; readonly value: StateValue }
  | { readonly ok: false; readonly problem: string };

function parseDocument(kind: StateKind, document: string | undefined): ParsedDocument {
  if (document === undefined) return { ok: false, problem: 'has no item document' };
  if (document.length > MAX_STATE_DOCUMENT_CHARS) {
    return { ok: false, problem: `is over ${MAX_STATE_DOCUMENT_CHARS} characters` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(document);
  } catch (error) {
    return { ok: false, problem: `is not JSON: ${errorMessageOf(error)}` };
  }
  const problem = schemaProblem(kind, raw);
  return problem === undefined ? { ok: true, value: raw as StateValue } : { ok: false, problem };
}

/** Every problem the kind's schema finds, in the config parser's words (`consecutiveFailures: must be at least 0`). */
function schemaProblem(kind: StateKind, raw: unknown): string | undefined {
  try {
    parseWithSchema(STATE_ITEM_SCHEMAS[kind], raw, {}, 'item');
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigErrors) return error.message;
    throw error;
  }
}

function expirySeconds(key: string, expiresAt: Date): number {
  const ms = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0)
    throw new StateChangeError(key, `expiresAt must be a valid date (got ${String(expiresAt)})`);
  return Math.ceil(ms / 1000);
}

function positiveRevision(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}

function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
