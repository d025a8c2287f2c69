// The state item schemas: what each kind accepts, and each kind of damage refused with the field that is wrong.
import { describe, expect, it } from 'vitest';
import { parseWithSchema } from '../../../../lambda/core/config/config-schema.ts';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';
import { STATE_ITEM_SCHEMAS } from '../../../../lambda/core/state/state-item-schemas.ts';
import type { StateKind } from '../../../../lambda/core/state/state-keys.ts';

const AT = '2026-01-07T10:00:00.000Z';
const LATER = '2026-01-07T11:00:00.000Z';
const HASH = 'a'.repeat(64);

const VALID: Record<StateKind, unknown> = {
  monitor: {
    state: 'down',
    consecutiveFailures: 3,
    consecutiveSuccesses: 0,
    since: AT,
    lastTransition: { from: 'up', to: 'down', at: AT },
    lastAlertAt: AT,
    lastReminderAt: LATER,
    lastRun: { status: 'failed', statusReason: 'probe_failures', at: LATER, evidence: 's3://b/checks/x.json' },
    service: 'checkout',
    environment: 'prod',
  },
  service: {
    deployed: { version: '1.4.3', digest: `sha256:${HASH}`, commit: 'abc1234', at: LATER },
    knownGood: [
      { version: '1.4.2', at: LATER, evidence: 's3://b/deploys/checkout/prod/y.json' },
      { version: '1.4.1', at: AT },
    ],
    lastRollbackAt: LATER,
    lastRun: { status: 'passed', statusReason: 'all_probes_healthy', at: LATER },
    ongoing: { kind: 'rollback', version: '1.4.2', startedAt: LATER, execution: 'command-123' },
  },
  lock: { owner: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11', acquiredAt: AT, expiresAt: LATER },
  pause: { reason: 'incident 42', by: 'alice', since: AT, until: LATER },
  chain: { lastHash: HASH, lastUri: 's3://b/deploys/checkout/prod/y.json', sequence: 7 },
  approval: {
    runId: 'evt-123',
    requestedAt: AT,
    expiresAt: LATER,
    targetVersion: '1.4.1',
    failedVersion: '1.4.2',
    decision: 'approved',
    decidedAt: AT,
    by: 'alice',
    reason: 'the canary is down',
    taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAb==',
  },
};

function problemsOf(kind: StateKind, value: unknown): string[] {
  try {
    parseWithSchema(STATE_ITEM_SCHEMAS[kind], value, {}, 'item');
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((each) => each.message);
    if (error instanceof ConfigError) return [error.message];
    throw error;
  }
  return [];
}

function withField(kind: StateKind, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(VALID[kind]) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe('state item schemas', () => {
  it.each(Object.keys(VALID) as StateKind[])('accepts a complete %s item', (kind) => {
    expect(problemsOf(kind, VALID[kind])).toEqual([]);
  });

  it.each<[StateKind, readonly (string | number)[]]>([
    ['monitor', ['lastTransition']],
    ['monitor', ['lastRun']],
    ['service', ['deployed']],
    ['service', ['ongoing']],
    ['pause', ['by']],
    ['approval', ['taskToken']],
    ['approval', ['targetVersion']],
  ])('accepts a %s item without %j', (kind, path) => {
    expect(problemsOf(kind, withField(kind, path, undefined))).toEqual([]);
  });

  it('accepts an approval still waiting for its answer', () => {
    const waiting = { runId: 'evt-123', requestedAt: AT, expiresAt: LATER };
    expect(problemsOf('approval', waiting)).toEqual([]);
  });

  it('accepts a service with no known-good version yet', () => {
    expect(problemsOf('service', { knownGood: [] })).toEqual([]);
  });

  it.each<[StateKind, readonly (string | number)[], unknown, string]>([
    ['monitor', ['state'], 'sideways', 'state: must be one of "up", "down", "unknown"'],
    ['monitor', ['consecutiveFailures'], -1, 'consecutiveFailures: must be at least 0'],
    ['monitor', ['consecutiveSuccesses'], 1.5, 'consecutiveSuccesses: must be'],
    ['monitor', ['since'], '2026-01-07 10:00', 'since: must be a valid datetime'],
    ['monitor', ['since'], '2026-01-07T10:00:00+01:00', 'since: must be a valid datetime'],
    ['monitor', ['lastTransition', 'to'], 'gone', 'lastTransition.to: must be one of'],
    ['monitor', ['lastRun', 'status'], 'ok', 'lastRun.status: must be one of "passed", "failed", "skipped"'],
    ['monitor', ['lastRun', 'statusReason'], 'vibes', 'lastRun.statusReason: must be one of'],
    ['monitor', ['lastRun', 'evidence'], 's3://b/x\u001b[2J', 'lastRun.evidence: must not contain'],
    ['monitor', ['service'], 'check out', 'service: must be 1-64 letters'],
    ['monitor', ['paused'], true, 'paused: is not a known field'],
    ['service', ['knownGood'], undefined, 'knownGood: must be an array'],
    ['service', ['deployed', 'version'], '1.4.2; reboot', 'deployed.version: must be 1-128 letters'],
    ['service', ['deployed', 'digest'], 'sha256:zz', 'deployed.digest: must be a digest'],
    ['service', ['deployed', 'commit'], 'HEAD', 'deployed.commit: must be a commit hash'],
    [
      'service',
      ['knownGood', 1, 'at'],
      '2026-01-08T00:00:00.000Z',
      'knownGood[1].at: must list the newest version first',
    ],
    ['service', ['ongoing', 'kind'], 'migrate', 'ongoing.kind: must be one of "deploy", "rollback"'],
    ['service', ['ongoing', 'execution'], '', 'ongoing.execution: must be at least 1 character long'],
    ['lock', ['owner'], 'run 1', 'owner: must be 1-128 letters'],
    ['lock', ['expiresAt'], AT, 'expiresAt: must be after acquiredAt'],
    ['pause', ['until'], AT, 'until: must be after since'],
    ['pause', ['reason'], 'line\nbreak', 'reason: must not contain line breaks'],
    ['pause', ['reason'], 'x'.repeat(513), 'reason: must be at most 512 characters long'],
    ['chain', ['lastHash'], 'A'.repeat(64), 'lastHash: must be a SHA-256 hash in lowercase hex'],
    ['chain', ['sequence'], 0, 'sequence: must be at least 1'],
    ['approval', ['runId'], 'run 1', 'runId: must be 1-128 letters'],
    ['approval', ['expiresAt'], AT, 'expiresAt: must be after requestedAt'],
    ['approval', ['decision'], 'maybe', 'decision: must be one of "approved", "rejected"'],
    ['approval', ['decidedAt'], undefined, 'decidedAt: comes with decision'],
    ['approval', ['by'], 'eve\u001b[2J', 'by: must not contain'],
    ['approval', ['taskToken'], 't'.repeat(2049), 'taskToken: must be at most 2048 characters long'],
  ])('refuses a %s item whose %j is %j', (kind, path, value, problem) => {
    expect(problemsOf(kind, withField(kind, path, value))).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses more than 10 known-good versions', () => {
    const knownGood = Array.from({ length: 11 }, (_, index) => ({ version: `1.0.${10 - index}`, at: AT }));

    expect(problemsOf('service', { knownGood })).toEqual([expect.stringContaining('knownGood: must have at most 10')]);
  });

  it.each([null, [], 'up', 42])('refuses %j as an item', (value) => {
    expect(problemsOf('monitor', value)).toEqual([expect.stringContaining('item: must be an object')]);
  });
});
