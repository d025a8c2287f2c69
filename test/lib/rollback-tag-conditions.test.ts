// The IAM condition sets of the rollback: merged only where the merge allows exactly the union of what each allowed.
import { describe, expect, it } from 'vitest';
import { rollbackTagConditions } from '../../lib/rollback-tag-conditions.ts';

const pair = (service: string, environment: string) => ({
  'rollgate:service': service,
  'rollgate:environment': environment,
});

describe('rollbackTagConditions', () => {
  it.each([
    ['nothing to roll back', [], []],
    ['one service', [pair('a', 'prod')], [{ 'rollgate:service': ['a'], 'rollgate:environment': ['prod'] }]],
    [
      'one service in two environments, as one set',
      [pair('a', 'prod'), pair('a', 'staging')],
      [{ 'rollgate:service': ['a'], 'rollgate:environment': ['prod', 'staging'] }],
    ],
    [
      'two services in one environment, as one set',
      [pair('a', 'prod'), pair('b', 'prod')],
      [{ 'rollgate:service': ['a', 'b'], 'rollgate:environment': ['prod'] }],
    ],
    [
      'a/prod and b/staging apart: one set would also allow a/staging and b/prod',
      [pair('a', 'prod'), pair('b', 'staging')],
      [
        { 'rollgate:service': ['a'], 'rollgate:environment': ['prod'] },
        { 'rollgate:service': ['b'], 'rollgate:environment': ['staging'] },
      ],
    ],
    [
      'tag sets with other keys apart',
      [pair('a', 'prod'), { app: 'a' }],
      [{ 'rollgate:service': ['a'], 'rollgate:environment': ['prod'] }, { app: ['a'] }],
    ],
    [
      'a duplicate once',
      [pair('a', 'prod'), pair('a', 'prod')],
      [{ 'rollgate:service': ['a'], 'rollgate:environment': ['prod'] }],
    ],
  ])('%s', (_case, tagSets, expected) => {
    expect(rollbackTagConditions(tagSets)).toEqual(expected);
  });
});
