import { describe, expect, it } from 'vitest';
import { deployExecutionName, EXECUTION_NAME_PATTERN } from '../../../../lambda/core/config/deploy-execution-name.ts';

const deploy = {
  service: 'checkout',
  environment: 'prod',
  version: '1.4.2',
  runId: 'a1b2c3d4-0000-4000-8000-000000000001',
};

describe('deployExecutionName', () => {
  it('names the same deploy run the same way every time, so a redelivered event finds its execution', () => {
    expect(deployExecutionName(deploy)).toBe(deployExecutionName({ ...deploy }));
    expect(deployExecutionName(deploy)).toMatch(/^checkout-prod-1_4_2-[0-9a-f]{24}$/);
  });

  it.each([
    ['another event', { runId: 'a1b2c3d4-0000-4000-8000-000000000002' }],
    ['another version', { version: '1.4.3' }],
    ['a version the readable part spells the same', { version: '1_4_2' }],
    ['another environment', { environment: 'staging' }],
    ['fields that join to the same text', { service: 'checkout-prod', environment: '1.4.2', version: 'x' }],
  ])('gives %s a name of its own', (_case, change) => {
    expect(deployExecutionName({ ...deploy, ...change })).not.toBe(deployExecutionName(deploy));
  });

  it.each([
    [
      'the longest names and versions',
      { service: 's'.repeat(64), environment: 'e'.repeat(64), version: 'v'.repeat(128) },
    ],
    ['every character a version may hold', { version: '1.0.0+build-7_rc.1' }],
    ['an event id of 128 characters', { runId: 'x'.repeat(128) }],
  ])('stays within Step Functions name rules for %s', (_case, change) => {
    expect(deployExecutionName({ ...deploy, ...change })).toMatch(EXECUTION_NAME_PATTERN);
  });
});
