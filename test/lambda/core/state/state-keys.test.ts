// State keys: built only from names in the shared alphabets, refused otherwise with the field and value, and read
// back from a store without trusting them.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambda/core/errors.ts';
import {
  approvalKey,
  checkEvidenceChainKey,
  deployEvidenceChainKey,
  evidenceChainKey,
  monitorStateKey,
  parseStateKey,
  pauseKey,
  rollbackLockKey,
  serviceStateKey,
  stateKindOf,
} from '../../../../lambda/core/state/state-keys.ts';
import { captureError } from '../../../support/capture-error.ts';

describe('key builders', () => {
  it.each([
    [() => monitorStateKey('checkout-prod'), 'monitor#checkout-prod', 'monitor'],
    [() => serviceStateKey('checkout', 'prod'), 'service#checkout#prod', 'service'],
    [() => rollbackLockKey('checkout', 'prod'), 'lock#checkout#prod', 'lock'],
    [() => pauseKey('payments.api', 'eu_west'), 'pause#payments.api#eu_west', 'pause'],
    [() => approvalKey('checkout', 'prod'), 'approval#checkout#prod', 'approval'],
    [() => evidenceChainKey('deploys/checkout/prod'), 'chain#deploys/checkout/prod', 'chain'],
    [() => deployEvidenceChainKey('checkout', 'prod'), 'chain#deploys/checkout/prod', 'chain'],
    [() => checkEvidenceChainKey('homepage'), 'chain#checks/homepage', 'chain'],
  ])('builds %s', (build, key, kind) => {
    expect(build()).toBe(key);
    expect(stateKindOf(build())).toBe(kind);
  });

  it.each([
    ['monitor', () => monitorStateKey('checkout prod'), 'checkout prod'],
    ['monitor', () => monitorStateKey('a#b'), 'a#b'],
    ['monitor', () => monitorStateKey(''), ''],
    ['service', () => serviceStateKey('check/out', 'prod'), 'check/out'],
    ['environment', () => serviceStateKey('checkout', 'x'.repeat(65)), 'x'.repeat(65)],
    ['environment', () => rollbackLockKey('checkout', 'prod\n'), 'prod\n'],
    ['service', () => pauseKey('$(reboot)', 'prod'), '$(reboot)'],
    ['environment', () => approvalKey('checkout', 'prod; rm'), 'prod; rm'],
    ['chain', () => evidenceChainKey('deploys//prod'), 'deploys//prod'],
    ['chain', () => evidenceChainKey('a/b/c/d/e'), 'a/b/c/d/e'],
    ['chain', () => evidenceChainKey('deploys/check#out'), 'deploys/check#out'],
  ])('refuses a bad %s name, naming the field and the value', (field, build, value) => {
    const error = captureError(build);

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ field, value });
  });
});

describe('parseStateKey', () => {
  it.each([
    ['monitor#checkout', 'monitor', ['checkout']],
    ['service#checkout#prod', 'service', ['checkout', 'prod']],
    ['chain#checks/homepage', 'chain', ['checks/homepage']],
    ['approval#checkout#prod', 'approval', ['checkout', 'prod']],
  ])('reads %s', (text, kind, names) => {
    expect(parseStateKey(text)).toEqual({ kind, key: text, names });
  });

  it.each([
    'monitor',
    'monitor#',
    'monitor#a#b',
    'service#checkout',
    'lock#checkout#prod#extra',
    'approval#checkout',
    'widget#checkout',
    'monitor#check out',
    'chain#a//b',
    '#checkout',
    '',
  ])('refuses %j', (text) => {
    expect(parseStateKey(text)).toBeUndefined();
  });
});
