// The codec every adapter shares: a stored record is live, expired or invalid (with the problem), never trusted; a
// write is checked whole before any adapter sends it.
import { describe, expect, it } from 'vitest';
import type { MonitorState } from '../../../../lambda/core/state/monitor-state.ts';
import { StateChangeError } from '../../../../lambda/core/state/state-errors.ts';
import { monitorStateKey, type StateKey } from '../../../../lambda/core/state/state-keys.ts';
import {
  decodeStateRecord,
  MAX_STATE_CHANGES,
  prepareStateChanges,
  type StoredStateRecord,
} from '../../../../lambda/core/state/state-record-codec.ts';
import { deleteState, putState, type StateChange } from '../../../../lambda/core/state/state-store.ts';
import { captureError } from '../../../support/capture-error.ts';

const NOW = new Date('2026-01-07T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const VALUE: MonitorState = { state: 'up', consecutiveFailures: 0, consecutiveSuccesses: 4, since: NOW.toISOString() };
const KEY = monitorStateKey('checkout');

function record(overrides: Partial<StoredStateRecord> = {}): StoredStateRecord {
  return { key: KEY, document: JSON.stringify(VALUE), revision: 3, ...overrides };
}

describe('decodeStateRecord', () => {
  it('decodes a live item with its revision', () => {
    expect(decodeStateRecord(record(), NOW)).toEqual({
      status: 'live',
      key: KEY,
      kind: 'monitor',
      item: { value: VALUE, revision: 3 },
    });
  });

  it('keeps an expiry still to come', () => {
    const entry = decodeStateRecord(record({ expiresAt: NOW_SECONDS + 1 }), NOW);

    expect(entry).toMatchObject({ status: 'live', item: { expiresAt: new Date(NOW.getTime() + 1_000) } });
  });

  it.each([
    ['expired at this very second', NOW_SECONDS, JSON.stringify(VALUE), { value: VALUE }],
    ['expired and no longer valid', NOW_SECONDS - 60, '{}', {}],
  ])('reads an item %s as expired, keeping its revision', (_name, expiresAt, document, value) => {
    const entry = decodeStateRecord(record({ expiresAt, document }), NOW);

    expect(entry).toEqual({
      status: 'expired',
      key: KEY,
      kind: 'monitor',
      revision: 3,
      expiresAt: new Date(expiresAt * 1000),
      ...value,
    });
  });

  it.each<[string, Partial<StoredStateRecord>, number | undefined, string]>([
    ['a key of no known kind', { key: 'widget#checkout' }, 3, 'is not a Rollgate state key'],
    ['a key with a bad name', { key: 'monitor#check out' }, 3, 'is not a Rollgate state key'],
    ['revision 0', { revision: 0 }, undefined, 'has no valid revision (got 0)'],
    ['a fractional revision', { revision: 1.5 }, undefined, 'has no valid revision'],
    ['a revision as text', { revision: '3' }, undefined, 'has no valid revision'],
    ['a kind other than its key', { kind: 'service' }, 3, 'is filed as kind service, but its key names kind monitor'],
    ['an expiry as text', { expiresAt: '1767780000' }, 3, 'has an expiry that is not epoch seconds'],
    ['a negative expiry', { expiresAt: -5 }, 3, 'has an expiry that is not epoch seconds'],
    ['no document', { document: undefined }, 3, 'has no item document'],
    ['a document that is not JSON', { document: '{"state": ' }, 3, 'is not JSON'],
    ['a document too large to be an item', { document: `"${'x'.repeat(70_000)}"` }, 3, 'is over 65536 characters'],
    ['a document of the wrong shape', { document: '{"state": "up"}' }, 3, 'consecutiveFailures: must be a number'],
    ['a prototype key', { document: `${JSON.stringify(VALUE).slice(0, -1)},"__proto__":{"x":1}}` }, 3, 'prototype'],
  ])('reports an item with %s as invalid', (_name, overrides, revision, problem) => {
    const raw = record(overrides);
    const entry = decodeStateRecord(raw, NOW);

    expect(entry).toEqual({ status: 'invalid', key: raw.key, revision, problem: expect.stringContaining(problem) });
  });
});

describe('prepareStateChanges', () => {
  it('numbers revisions and rounds expiries up to the second', () => {
    const prepared = prepareStateChanges([
      putState(KEY, VALUE, undefined, { expiresAt: new Date('2026-01-07T10:00:00.001Z') }),
      putState(monitorStateKey('payments'), VALUE, 6),
      deleteState(monitorStateKey('old'), 2),
    ]);

    expect(prepared).toEqual([
      {
        op: 'put',
        key: KEY,
        kind: 'monitor',
        expectedRevision: undefined,
        revision: 1,
        document: JSON.stringify(VALUE),
        expiresAt: NOW_SECONDS + 1,
      },
      {
        op: 'put',
        key: 'monitor#payments',
        kind: 'monitor',
        expectedRevision: 6,
        revision: 7,
        document: JSON.stringify(VALUE),
      },
      { op: 'delete', key: 'monitor#old', kind: 'monitor', expectedRevision: 2 },
    ]);
  });

  it.each<[string, () => StateChange[], string | undefined, string]>([
    [
      'more changes than one transaction takes',
      () =>
        Array.from({ length: MAX_STATE_CHANGES + 1 }, (_, index) =>
          putState(monitorStateKey(`m${index}`), VALUE, undefined),
        ),
      undefined,
      '101 changes, more than the 100 allowed',
    ],
    ['two changes to one key', () => [putState(KEY, VALUE, undefined), deleteState(KEY, 1)], KEY, 'is changed twice'],
    [
      'a key made by hand',
      () => [putState('monitor#a b' as StateKey<'monitor'>, VALUE, undefined)],
      'monitor#a b',
      'is not a Rollgate state key',
    ],
    [
      'an expected revision of 0',
      () => [putState(KEY, VALUE, 0)],
      KEY,
      'expected revision must be a whole number from 1 (got 0)',
    ],
    ['a fractional expected revision', () => [deleteState(KEY, 2.5)], KEY, 'expected revision must be a whole number'],
    [
      'a value of the wrong kind',
      () => [putState(KEY, { owner: 'x' } as unknown as MonitorState, undefined)],
      KEY,
      'is not a valid monitor item',
    ],
    [
      'an invalid expiry',
      () => [putState(KEY, VALUE, undefined, { expiresAt: new Date(Number.NaN) })],
      KEY,
      'expiresAt must be a valid date',
    ],
  ])('refuses %s with StateChangeError naming the key', (_name, changes, key, problem) => {
    const error = captureError(() => prepareStateChanges(changes()));

    expect(error).toBeInstanceOf(StateChangeError);
    expect(error).toMatchObject({ key, message: expect.stringContaining(problem) });
  });
});
