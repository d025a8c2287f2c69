// What each record of a run says about its alerts and faults: the alerts it is about to send (pending), how the earlier
// ones went, the delivery record when one could not be delivered, and a run whose safety store failed, which is
// recorded and alerted but never rolled back automatically.
import { describe, expect, it } from 'vitest';
import { EnvSecretSource } from '../../../../lambda/adapters/local/env-secret-source.ts';
import {
  AlertPublishError,
  EvidenceWriteError,
  SecretResolveError,
  SecretStoreUnavailableError,
} from '../../../../lambda/core/errors.ts';
import { runGate, type PortProblem } from '../../../../lambda/core/gate/gate.ts';
import type { SecretSource } from '../../../../lambda/core/gate/ports.ts';
import { fixedService, healthyService } from '../../../support/loopback-server.ts';
import { CLI, config, DEPLOY, harness, ROLLBACK_OK } from './gate-harness.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';

const serve = useLoopbackServers();

const TOPIC_GONE = new AlertPublishError('cannot publish: NotFound: Topic does not exist', { errorName: 'NotFound' });

const IDEMPOTENCY_DOWN: PortProblem = {
  port: 'idempotency',
  error_name: 'ResourceNotFoundException',
  message: 'Failed to save in progress record to idempotency store: Requested resource not found',
  cause: new Error('Requested resource not found'),
};

describe('runGate: the alerts each record lists', () => {
  it('lists the alerts a verdict record is about to send as pending, and the rollback record carries how they went', async () => {
    const bad = await serve(fixedService(503, {}));
    const h = harness({ rollback: ROLLBACK_OK });

    await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);

    const [verdictRecord, rollbackRecord, ...more] = h.store.written;
    expect(more).toEqual([]);
    expect(verdictRecord?.document.alerts).toEqual([
      { type: 'GateFailed', subject: expect.stringContaining('FAILED'), delivered: null, error: null },
    ]);
    expect(rollbackRecord?.document.alerts).toEqual([
      { type: 'GateFailed', subject: expect.stringContaining('FAILED'), delivered: true, error: null },
      {
        type: 'RollbackSucceeded',
        subject: expect.stringContaining('ROLLBACK SUCCEEDED'),
        delivered: null,
        error: null,
      },
    ]);
    expect(rollbackRecord?.document.faults).toEqual([]);
  });

  it('writes a delivery record, linked to the earlier records, when an alert is not delivered', async () => {
    const bad = await serve(fixedService(503, {}));
    const h = harness({
      rollback: ROLLBACK_OK,
      notifierFails: (alert) => (alert.type === 'RollbackSucceeded' ? TOPIC_GONE : undefined),
    });

    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);

    expect(h.log).toEqual([
      'evidence:verdict',
      'alert:GateFailed',
      'rollback:run',
      'evidence:rollback',
      'alert:RollbackSucceeded',
      'evidence:delivery',
    ]);
    const delivery = h.store.written[2]?.document;
    expect(delivery).toMatchObject({
      stage: 'delivery',
      status: 'failed',
      rollback: { outcome: 'succeeded' },
      links: { verdict: 'mem://evidence/verdict.json', rollback: 'mem://evidence/rollback.json' },
      alerts: [
        { type: 'GateFailed', delivered: true, error: null },
        { type: 'RollbackSucceeded', delivered: false, error: TOPIC_GONE.message },
      ],
      faults: [{ port: 'alert', error_name: 'NotFound', message: TOPIC_GONE.message }],
    });
    expect(outcome.evidence).toBe(delivery);
    expect(outcome.locations.delivery?.uri).toBe('mem://evidence/delivery.json');
  });

  it('writes no delivery record when every alert was delivered', async () => {
    const bad = await serve(fixedService(503, {}));
    const h = harness({ rollback: ROLLBACK_OK });

    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);

    expect(h.store.written.map((record) => record.stage)).toEqual(['verdict', 'rollback']);
    expect(outcome.locations.delivery).toBeUndefined();
  });

  it('records a failed EvidenceWriteFailed alert in the delivery record when both the store and the topic fail', async () => {
    const server = await serve(healthyService('1.4.2'));
    const h = harness({ storeFails: new EvidenceWriteError('NoSuchBucket'), notifierFails: TOPIC_GONE });

    const outcome = await runGate(config({ targets: [{ url: server.url('/health') }] }), CLI, h.ports);

    expect(h.log).toEqual(['evidence:verdict', 'alert:EvidenceWriteFailed', 'evidence:delivery']);
    expect(outcome.evidence).toMatchObject({
      stage: 'delivery',
      status: 'passed',
      alerts: [{ type: 'EvidenceWriteFailed', delivered: false }],
      faults: [
        { port: 'evidence', message: 'NoSuchBucket' },
        { port: 'alert', error_name: 'NotFound' },
      ],
    });
    // The delivery record's own failure is recorded but raises no further alert.
    expect(outcome.problems.map((problem) => problem.port)).toEqual(['evidence', 'alert', 'evidence']);
  });
});

describe('runGate: a fault in what keeps an automatic rollback safe', () => {
  it('probes and records a failed verdict with the fault, runs no rollback, and alerts RollbackRequired', async () => {
    const bad = await serve(fixedService(503, {}));
    const h = harness({ rollback: ROLLBACK_OK });

    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports, {
      safetyFaults: [IDEMPOTENCY_DOWN],
    });

    expect(bad.hits.size).toBe(1);
    expect(h.rollback?.requests).toEqual([]);
    expect(h.log).toEqual(['evidence:verdict', 'alert:GateFailed', 'alert:RollbackRequired']);
    expect(outcome.evidence).toMatchObject({
      stage: 'verdict',
      status: 'failed',
      rollback: {
        attempted: false,
        outcome: 'withheld',
        detail: expect.stringContaining('the idempotency store (ResourceNotFoundException) failed'),
      },
      faults: [{ port: 'idempotency', error_name: 'ResourceNotFoundException', message: IDEMPOTENCY_DOWN.message }],
    });
    const [gateFailed, rollbackRequired] = h.notifier.sent;
    expect(gateFailed?.subject).toBe('[Rollgate] FAILED checkout/prod v1.4.2: 1/1 probes failing, rollback withheld');
    expect(rollbackRequired?.subject).toBe(
      '[Rollgate] ROLLBACK REQUIRED checkout/prod v1.4.2: gate failed, automatic rollback withheld',
    );
    expect(rollbackRequired?.message.rollback).toMatchObject({ outcome: 'withheld', detail: expect.any(String) });
    expect(outcome.problems).toEqual([IDEMPOTENCY_DOWN]);
  });

  it('still passes a healthy deploy, with the fault in its record', async () => {
    const server = await serve(healthyService('1.4.2'));
    const h = harness({ rollback: ROLLBACK_OK });

    const outcome = await runGate(config({ targets: [{ url: server.url('/health') }] }), DEPLOY, h.ports, {
      safetyFaults: [IDEMPOTENCY_DOWN],
    });

    expect(outcome.verdict.status).toBe('passed');
    expect(h.log).toEqual(['evidence:verdict']);
    expect(outcome.evidence.rollback.outcome).toBe('not_needed');
    expect(outcome.evidence.faults).toEqual([expect.objectContaining({ port: 'idempotency' })]);
  });
});

describe('runGate: secrets', () => {
  it('names a secret the function could not read as a secrets fault beside the invalid_config verdict', async () => {
    const server = await serve(healthyService('1.4.2'));
    const denied: SecretSource = {
      resolve: async () => {
        throw new SecretResolveError(
          'cannot read SSM parameter /rollgate/checkout/header: AccessDeniedException: KMS denied',
          {
            errorName: 'AccessDeniedException',
          },
        );
      },
    };
    const h = harness({ rollback: ROLLBACK_OK });

    const outcome = await runGate(
      config({
        targets: [{ url: server.url('/health'), headers: { authorization: { ssm: '/rollgate/checkout/header' } } }],
      }),
      DEPLOY,
      { ...h.ports, secrets: denied },
    );

    expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'invalid_config' });
    expect(outcome.evidence.faults).toEqual([
      {
        port: 'secrets',
        error_name: 'AccessDeniedException',
        message: 'cannot read SSM parameter /rollgate/checkout/header: AccessDeniedException: KMS denied',
      },
    ]);
    expect(server.hits.size).toBe(0);
  });

  it('names an environment secret that is not set as a secrets fault too', async () => {
    const server = await serve(healthyService('1.4.2'));
    const h = harness();

    const outcome = await runGate(
      config({ targets: [{ url: server.url('/health'), headers: { authorization: { env: 'MISSING' } } }] }),
      CLI,
      { ...h.ports, secrets: new EnvSecretSource({}) },
    );

    expect(outcome.verdict.status_reason).toBe('invalid_config');
    expect(outcome.evidence.faults).toEqual([
      { port: 'secrets', error_name: 'SecretResolveError', message: 'environment variable MISSING is not set' },
    ]);
  });

  it('fails as prober_unavailable, not invalid_config, when the secret store cannot be reached: no probe, no rollback', async () => {
    const server = await serve(healthyService('1.4.2'));
    const unreachable: SecretSource = {
      resolve: async () => {
        throw new SecretStoreUnavailableError(
          'cannot read SSM parameter /rollgate/checkout/header: connect ECONNREFUSED',
          {
            errorName: 'ECONNREFUSED',
          },
        );
      },
    };
    const h = harness({ rollback: ROLLBACK_OK });

    const outcome = await runGate(
      config({
        targets: [{ url: server.url('/health'), headers: { authorization: { ssm: '/rollgate/checkout/header' } } }],
      }),
      DEPLOY,
      { ...h.ports, secrets: unreachable },
    );

    expect(outcome.verdict).toMatchObject({
      status: 'failed',
      status_reason: 'prober_unavailable',
      prober_fault: 'secret_store_unavailable',
    });
    expect(outcome.evidence.message).toMatch(/^the prober could not check \(a header's secret could not be read/);
    expect(outcome.evidence.faults).toEqual([
      { port: 'secrets', error_name: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED') },
    ]);
    expect(h.rollback?.requests).toEqual([]);
    expect(h.notifier.sent.map((alert) => alert.type)).toEqual(['GateFailed']);
    expect(server.hits.size).toBe(0);
  });
});
