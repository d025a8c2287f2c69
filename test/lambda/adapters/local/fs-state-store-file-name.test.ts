// File names of state items: escaped so no key reaches outside the directory or collides with another key on a
// case-insensitive file system, read back to their key, and hashed when too long for a file system.
import { describe, expect, it } from 'vitest';
import { keyOfStateFileName, stateFileName } from '../../../../lambda/adapters/local/fs-state-store-file-name.ts';
import {
  evidenceChainKey,
  monitorStateKey,
  serviceStateKey,
  type StateKey,
} from '../../../../lambda/core/state/state-keys.ts';

describe('stateFileName', () => {
  it.each<[StateKey, string]>([
    [monitorStateKey('checkout-prod'), 'monitor%23checkout-prod.json'],
    [serviceStateKey('checkout', 'prod'), 'service%23checkout%23prod.json'],
    [monitorStateKey('Web'), 'monitor%23%57eb.json'],
    [monitorStateKey('..'), 'monitor%23...json'],
    [evidenceChainKey('deploys/../prod'), 'chain%23deploys%2F..%2Fprod.json'],
  ])('names %s %s, and reads the name back', (key, name) => {
    expect(stateFileName(key)).toBe(name);
    expect(keyOfStateFileName(name)).toBe(key);
  });

  it('gives keys that differ only in case names that differ in more than case', () => {
    const names = [monitorStateKey('web'), monitorStateKey('Web'), monitorStateKey('WEB')].map(stateFileName);

    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(3);
  });

  it('hashes a key whose escaped name would be too long, keeping its kind in front', () => {
    const key = serviceStateKey('A'.repeat(64), 'B'.repeat(64));

    const name = stateFileName(key);

    expect(name).toMatch(/^service%23~[0-9a-f]{64}\.json$/);
    expect(keyOfStateFileName(name)).toBeUndefined();
  });

  it.each(['notes.txt', '.lock', 'monitor%2.json', 'monitor%zz.json', 'monitor#x.json'])(
    'reads no key from %j',
    (name) => {
      expect(keyOfStateFileName(name)).toBeUndefined();
    },
  );
});
