// What a run is measured by, without Powertools: the dimension sets a run's names earn from the registry (and what an
// unregistered name gets: nothing), the points of the deploy workflow's steps and the time to heal.
import { describe, expect, it } from 'vitest';
import type { Registry } from '../../../lambda/core/config/registry.ts';
import { parseRegistry } from '../../../lambda/core/config/registry.ts';
import type { DeployProgress } from '../../../lambda/core/deploy/deploy-progress.ts';
import {
  metricScopeOf,
  scopedPoints,
  timeToHealSeconds,
  workflowStepPoints,
  type RunNames,
} from '../../../lambda/handlers/run-metrics.ts';

const registry: Registry = parseRegistry({
  services: [{ service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] }],
  monitors: [
    { name: 'checkout-health', service: 'checkout', environment: 'prod' },
    { name: 'status-page', urls: ['https://status.example.com/'] },
    { name: 'billing-page', urls: ['https://billing.example.com/'], service: 'billing', environment: 'prod' },
  ],
});

describe('metricScopeOf', () => {
  it.each<[string, RunNames, ReturnType<typeof metricScopeOf>]>([
    [
      'a deploy of a registered service: [service, environment]',
      { kind: 'deploy', service: 'checkout', environment: 'prod' },
      {
        scope: { dimensions: { service: 'checkout', environment: 'prod' }, sets: [['service', 'environment']] },
        unregistered: [],
      },
    ],
    [
      'a monitor of a registered service: [monitor] and [service, environment]',
      { kind: 'check', monitor: 'checkout-health', service: 'checkout', environment: 'prod' },
      {
        scope: {
          dimensions: { monitor: 'checkout-health', service: 'checkout', environment: 'prod' },
          sets: [['monitor'], ['service', 'environment']],
        },
        unregistered: [],
      },
    ],
    [
      'a monitor on no service: [monitor]',
      { kind: 'check', monitor: 'status-page' },
      { scope: { dimensions: { monitor: 'status-page' }, sets: [['monitor']] }, unregistered: [] },
    ],
    [
      'a monitor naming a service only monitors watch: the registry names it, so [service, environment] too',
      { kind: 'check', monitor: 'billing-page', service: 'billing', environment: 'prod' },
      {
        scope: {
          dimensions: { monitor: 'billing-page', service: 'billing', environment: 'prod' },
          sets: [['monitor'], ['service', 'environment']],
        },
        unregistered: [],
      },
    ],
    [
      'an inline monitor of an old rule: fleet-wide only',
      { kind: 'check', monitor: 'from-an-old-rule', service: 'checkout', environment: 'staging' },
      { unregistered: ['monitor from-an-old-rule', 'service checkout/staging'] },
    ],
    ['a CLI gate: nothing of its own', { kind: 'gate' }, { unregistered: [] }],
  ])('%s', (_case, names, expected) => {
    expect(metricScopeOf(names, registry)).toEqual(expected);
  });
});

describe('scopedPoints', () => {
  it('keeps AlertDeliveryFailed fleet-wide: the topic is the stack’s, not a service’s', () => {
    const points = [
      { name: 'GateFailed', unit: 'Count', value: 1 },
      { name: 'AlertDeliveryFailed', unit: 'Count', value: 2 },
    ] as const;
    expect(scopedPoints(points).map((point) => point.name)).toEqual(['GateFailed']);
  });
});

/** A finishing deploy's progress with only what the metrics read. */
function progressOf(fields: Partial<DeployProgress>): DeployProgress {
  return {
    window: { history: [] },
    alerts: [],
    ...fields,
  } as unknown as DeployProgress;
}

const round = (at: string, latencies: number[]) => ({
  at,
  targets: latencies.map((latency_ms) => ({ url: 'https://x', ok: true, latency_ms })),
});

describe('workflowStepPoints', () => {
  const recovered = progressOf({
    verdict: { status: 'failed', decided_at: '2026-11-23T14:30:00.000Z' } as DeployProgress['verdict'],
    rollback: {
      outcome: 'recovered',
      result: { attempted: true, ok: true },
      verification: { history: [round('2026-11-23T14:32:10.000Z', [12]), round('2026-11-23T14:33:05.400Z', [9])] },
    } as unknown as DeployProgress['rollback'],
  });

  it.each<[string, string, DeployProgress, string[]]>([
    [
      'a probe round: the newest round’s latency per target',
      'probe_round',
      progressOf({
        window: { history: [round('2026-11-23T14:29:00Z', [40]), round('2026-11-23T14:29:10Z', [7, 8])] } as never,
      }),
      ['ProbeLatency', 'ProbeLatency'],
    ],
    ['decide: the verdict', 'decide', progressOf({ verdict: { status: 'failed' } as never }), ['GateFailed']],
    [
      'send_rollback with a handle to follow: sent',
      'send_rollback',
      progressOf({ rollback: { handle: { executor: 'ssm' } } as never }),
      ['RollbackSent'],
    ],
    [
      'send_rollback that could not send',
      'send_rollback',
      progressOf({ rollback: { result: { attempted: true, outcome: 'send_failed' } } as never }),
      [],
    ],
    [
      'finish after a recovery: the command, the recovery and the time to heal',
      'finish',
      recovered,
      ['RollbackSucceeded', 'RollbackRecovered', 'TimeToHeal'],
    ],
    [
      'finish when the rollback did not heal, with an alert not delivered',
      'finish',
      progressOf({
        rollback: { outcome: 'still_failing', result: { attempted: true, ok: true } } as never,
        alerts: [{ delivered: false }, { delivered: true }] as never,
      }),
      ['RollbackSucceeded', 'RollbackStillFailing', 'AlertDeliveryFailed'],
    ],
    ['finish of a passed deploy: nothing', 'finish', progressOf({}), []],
    ['start: nothing', 'start', progressOf({}), []],
  ])('%s', (_case, step, progress, names) => {
    expect(workflowStepPoints(step, { progress, next: 'done' }).map((point) => point.name)).toEqual(names);
  });

  it('measures the time to heal from the failed verdict to the verification round that proved the recovery', () => {
    expect(timeToHealSeconds(recovered)).toBe(185);
  });

  it('has no time to heal without a verified recovery', () => {
    const stillFailing = { ...recovered, rollback: { ...recovered.rollback!, outcome: 'still_failing' as const } };
    expect(timeToHealSeconds(stillFailing)).toBeUndefined();
  });
});
