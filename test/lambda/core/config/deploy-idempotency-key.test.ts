// The deploy gate's idempotency key: an EventBridge duplicate keeps its event id; a direct invoke is the same deploy
// when service, environment, version and commit are.
import { describe, expect, it } from 'vitest';
import { deployIdempotencyKey, type DeployEventOrigin } from '../../../../lambda/core/config/deploy-idempotency-key.ts';
import type { DeployRecord } from '../../../../lambda/core/gate/ports.ts';

const DEPLOY: DeployRecord = { service: 'checkout', environment: 'prod', version: '1.4.2', commit: 'abc1234' };
const EVENT: DeployEventOrigin = { kind: 'eventbridge', eventId: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11' };
const DIRECT: DeployEventOrigin = { kind: 'direct' };

describe('deployIdempotencyKey', () => {
  it.each<[string, DeployEventOrigin, DeployRecord, DeployEventOrigin, DeployRecord, boolean]>([
    ['the same EventBridge id, whatever the deploy says', EVENT, DEPLOY, EVENT, { ...DEPLOY, version: '9.9.9' }, true],
    [
      'two EventBridge ids for the same deploy',
      EVENT,
      DEPLOY,
      { kind: 'eventbridge', eventId: 'other' },
      DEPLOY,
      false,
    ],
    ['direct invokes of the same deploy', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, event_id: 'another-request' }, true],
    ['a commit spelled in either case', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, commit: 'ABC1234' }, true],
    ['direct invokes of another version', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, version: '1.4.3' }, false],
    ['direct invokes of another commit', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, commit: 'def5678' }, false],
    ['direct invokes with and without a commit', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, commit: undefined }, false],
    ['direct invokes in another environment', DIRECT, DEPLOY, DIRECT, { ...DEPLOY, environment: 'staging' }, false],
    ['an envelope and a direct invoke of the same deploy', EVENT, DEPLOY, DIRECT, DEPLOY, false],
    // Joined with '.', both would read a.b.c; the JSON array keeps fields apart whatever their alphabet.
    [
      'names that would collide on a separator',
      DIRECT,
      { ...DEPLOY, service: 'a.b', environment: 'c' },
      DIRECT,
      { ...DEPLOY, service: 'a', environment: 'b.c' },
      false,
    ],
  ])('%s: same key = %s', (_name, originA, deployA, originB, deployB, same) => {
    expect(deployIdempotencyKey(originA, deployA) === deployIdempotencyKey(originB, deployB)).toBe(same);
  });
});
