// Monitor inputs: what a scheduled check's input becomes, and how each bad field is reported.
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';
import { parseMonitorInput as parseWith } from '../../../../lambda/core/config/monitor-schema.ts';
import { parseRegistry } from '../../../../lambda/core/config/registry.ts';

const MONITOR = { monitor: 'homepage', urls: ['https://www.example.com/health'] };
const REGISTRY = parseRegistry({
  services: [
    {
      service: 'checkout',
      environment: 'prod',
      targets: [{ url: 'https://checkout.example.com/health' }],
      probe: { timeoutMs: 1_000, retries: 1 },
      hosts: { tags: { app: 'checkout' } },
      rollback: { waitSeconds: 120 },
    },
    {
      service: 'ledger',
      environment: 'prod',
      targets: [{ url: 'https://ledger.example.com/health' }],
      rollback: { mode: 'approve' },
    },
  ],
  monitors: [
    { name: 'checkout-prod', service: 'checkout', environment: 'prod', rollbackOnFailure: true },
    { name: 'ledger-prod', service: 'ledger', environment: 'prod', rollbackOnFailure: true },
  ],
});
const parseMonitorInput = (raw: unknown) => parseWith(raw, REGISTRY);

function problemsOf(raw: unknown): Array<[string, unknown]> {
  try {
    parseMonitorInput(raw);
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => [e.field, e.value]);
    if (error instanceof ConfigError) return [[error.field, error.value]];
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('parseMonitorInput accepts', () => {
  it('a monitor with urls: probed with default settings, no version expected, no rollback', () => {
    expect(parseMonitorInput(MONITOR)).toEqual({
      monitor: 'homepage',
      gateConfig: {
        targets: [{ url: 'https://www.example.com/health' }],
        timeoutMs: 5_000,
        retries: 2,
        backoffMs: 250,
        concurrency: 256,
        maxBodyBytes: 65_536,
        failOnSkipped: false,
      },
      rollback: undefined,
      policy: { rollback: 'off', failureThreshold: 3, successThreshold: 2, cooldownMinutes: 30 },
    });
  });

  it('urls and targets together, as the stack allows, urls first', () => {
    const check = parseMonitorInput({ ...MONITOR, targets: [{ url: 'https://api.example.com/health', name: 'api' }] });

    expect(check.gateConfig.targets).toEqual([
      { url: 'https://www.example.com/health' },
      { url: 'https://api.example.com/health', name: 'api' },
    ]);
  });

  it.each<[string, Record<string, unknown>, (check: ReturnType<typeof parseMonitorInput>) => unknown, unknown]>([
    ['an expected version', { expectedVersion: '2026.01.07' }, (c) => c.gateConfig.expectedVersion, '2026.01.07'],
    [
      'a timeout and retries',
      { timeoutMs: 800, retries: 0 },
      (c) => [c.gateConfig.timeoutMs, c.gateConfig.retries],
      [800, 0],
    ],
    ['service and environment without rollback', { service: 'web', environment: 'prod' }, (c) => c.rollback, undefined],
    [
      'rollback on failure with service and environment: their rollgate:* tagged hosts',
      { rollbackOnFailure: true, service: 'web', environment: 'prod' },
      (c) => c.rollback,
      {
        scope: { service: 'web', environment: 'prod' },
        hostTags: { 'rollgate:service': 'web', 'rollgate:environment': 'prod' },
      },
    ],
    ['rollback switched off explicitly', { rollbackOnFailure: false }, (c) => c.rollback, undefined],
    [
      'thresholds, reminders and a cooldown (a rule sending the whole monitor)',
      { failureThreshold: 1, successThreshold: 4, reminderMinutes: 15, cooldownMinutes: 0 },
      (c) => c.policy,
      { rollback: 'off', failureThreshold: 1, successThreshold: 4, reminderMinutes: 15, cooldownMinutes: 0 },
    ],
    [
      'rollback on failure: an automatic rollback in its policy',
      { rollbackOnFailure: true, service: 'web', environment: 'prod' },
      (c) => c.policy.rollback,
      'auto',
    ],
  ])('%s', (_name, fields, pick, expected) => {
    expect(pick(parseMonitorInput({ ...MONITOR, ...fields }))).toEqual(expected);
  });
});

describe('a monitor of the registry, by name', () => {
  it("probes its service's registered targets with the service's budget, and rolls back to the service's hosts", () => {
    const check = parseMonitorInput({ monitor: 'checkout-prod' });

    expect(check.gateConfig).toMatchObject({
      targets: [{ url: 'https://checkout.example.com/health' }],
      timeoutMs: 1_000,
      retries: 1,
    });
    expect(check.rollback).toEqual({
      scope: { service: 'checkout', environment: 'prod' },
      hostTags: { app: 'checkout' },
      waitSeconds: 120,
    });
  });

  it('takes no automatic rollback for a service whose rollback waits for approval, and says why', () => {
    const check = parseMonitorInput({ monitor: 'ledger-prod' });

    expect(check.rollback).toBeUndefined();
    expect(check.rollbackNote).toBe('no automatic rollback: ledger/prod has rollback.mode "approve"');
    // Going down still asks for the approved rollback (RollbackRequired, approval_required).
    expect(check.policy.rollback).toBe('approve');
  });

  it.each<{ mode: 'auto' | 'approve' | 'off'; rollback: string; extra: Record<string, unknown> }>([
    { mode: 'approve', rollback: 'approve', extra: {} },
    { mode: 'off', rollback: 'off', extra: { rollbackByHand: true } },
    // The monitor does not roll back itself, and the service's own gate does: nothing to ask for.
    { mode: 'auto', rollback: 'off', extra: {} },
  ])('gives a monitor on a service in rollback mode $mode the policy $rollback', ({ mode, rollback, extra }) => {
    const registry = parseRegistry({
      services: [
        {
          service: 'books',
          environment: 'prod',
          targets: [{ url: 'https://books.example.com/health' }],
          rollback: { mode },
        },
      ],
      monitors: [{ name: 'books-prod', service: 'books', environment: 'prod', failureThreshold: 2 }],
    });
    expect(parseWith({ monitor: 'books-prod' }, registry).policy).toEqual({
      rollback,
      ...extra,
      failureThreshold: 2,
      successThreshold: 2,
      cooldownMinutes: 30,
    });
  });

  it('refuses a name the registry does not hold', () => {
    expect(problemsOf({ monitor: 'homepage' })).toEqual([['monitor', 'homepage']]);
  });
});

describe('parseMonitorInput refuses', () => {
  it.each<[string, unknown, Array<[string, unknown]>]>([
    ['a monitor name with a slash', { ...MONITOR, monitor: 'home/page' }, [['monitor', 'home/page']]],
    ['a 65-character monitor name', { ...MONITOR, monitor: 'm'.repeat(65) }, [['monitor', 'm'.repeat(65)]]],
    ['a missing monitor name', { urls: MONITOR.urls }, [['monitor', undefined]]],
    ['neither urls nor targets', { monitor: 'homepage', retries: 1 }, [['urls', undefined]]],
    ['an empty target list', { monitor: 'homepage', targets: [] }, [['targets', []]]],
    ['a url that is not http(s)', { ...MONITOR, urls: ['gopher://x'] }, [['urls[0]', 'gopher://x']]],
    [
      'rollback without service',
      { ...MONITOR, rollbackOnFailure: true, environment: 'prod' },
      [['rollbackOnFailure', true]],
    ],
    [
      'rollback without environment',
      { ...MONITOR, rollbackOnFailure: true, service: 'web' },
      [['rollbackOnFailure', true]],
    ],
    ['rollback on failure as a string', { ...MONITOR, rollbackOnFailure: 'yes' }, [['rollbackOnFailure', 'yes']]],
    ['a service with a space', { ...MONITOR, service: 'web site' }, [['service', 'web site']]],
    ['a field the monitor does not have', { ...MONITOR, rollbackCommand: 'undo' }, [['rollbackCommand', 'undo']]],
    ['retries beyond the gate limit', { ...MONITOR, retries: 11 }, [['retries', 11]]],
    ['no input at all', undefined, [['monitor input', undefined]]],
  ])('%s', (_name, raw, expected) => {
    expect(problemsOf(raw)).toEqual(expected);
  });

  it('names the field and shows the value in the message', () => {
    expect(() => parseMonitorInput({ ...MONITOR, rollbackOnFailure: true })).toThrow(
      'rollbackOnFailure: needs service and environment, which pick the instances to roll back (got true)',
    );
  });
});
