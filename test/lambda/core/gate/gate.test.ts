import { describe, expect, it } from 'vitest';
import {
  AlertPublishError,
  ConfigError,
  EvidenceWriteError,
  RollbackSendError,
} from '../../../../lambda/core/errors.ts';
import { recordInvalidConfig, runGate } from '../../../../lambda/core/gate/gate.ts';
import type { EvidenceStore } from '../../../../lambda/core/gate/ports.ts';
import { fixedService, healthyService, sendJson } from '../../../support/loopback-server.ts';
import {
  CLI,
  config,
  DEPLOY,
  harness,
  RecordingNotifier,
  RecordingRollback,
  ROLLBACK_FAILED,
  ROLLBACK_OK,
} from './gate-harness.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';

const serve = useLoopbackServers();

describe('runGate: verdicts', () => {
  it('skips with no targets, writing evidence and raising no alert', async () => {
    const h = harness({ rollback: ROLLBACK_OK });
    const outcome = await runGate(config({ targets: [] }), CLI, h.ports);
    expect(outcome.verdict).toMatchObject({ status: 'skipped', status_reason: 'no_urls_configured', total: 0 });
    expect(h.log).toEqual(['evidence:verdict']);
    expect(outcome.evidenceWritten).toBe(true);
    expect(outcome.evidence.rollback.outcome).toBe('not_needed');
    expect(h.rollback?.requests).toEqual([]);
  });

  it('passes when every target is healthy, with one evidence write and no alert', async () => {
    const server = await serve(healthyService('1.4.2'));
    const h = harness({ rollback: ROLLBACK_OK });
    const outcome = await runGate(
      config({ targets: [{ url: server.url('/health') }, { url: server.url('/version') }], expectedVersion: '1.4.2' }),
      DEPLOY,
      h.ports,
    );
    expect(outcome.verdict).toEqual({
      status: 'passed',
      status_reason: 'all_probes_healthy',
      total: 2,
      healthy: 2,
      failing: 0,
    });
    expect(h.log).toEqual(['evidence:verdict']);
    expect(h.store.written[0]?.document).toMatchObject({
      status: 'passed',
      stage: 'verdict',
      message: 'all 2 target(s) healthy',
    });
    expect(outcome.alerts).toEqual([]);
    expect(outcome.problems).toEqual([]);
    expect(outcome.evidenceWritten).toBe(true);
    expect(outcome.locations.verdict?.uri).toBe('mem://evidence/verdict.json');
  });

  it.each([
    { name: 'a 503', handler: fixedService(503, { status: 'ok', version: '1.4.2' }), alert: 'GateFailed' },
    { name: 'the wrong version', handler: healthyService('1.4.1'), alert: 'VersionMismatch' },
  ])(
    'fails on $name: evidence before the $alert alert, one rollback, then its record and alert',
    async ({ handler, alert }) => {
      const good = await serve(healthyService('1.4.2'));
      const bad = await serve(handler);
      const h = harness({ rollback: ROLLBACK_OK });
      const outcome = await runGate(
        config({ targets: [{ url: good.url('/health') }, { url: bad.url('/health') }], expectedVersion: '1.4.2' }),
        DEPLOY,
        h.ports,
      );

      expect(h.log).toEqual([
        'evidence:verdict',
        `alert:${alert}`,
        'rollback:run',
        'evidence:rollback',
        'alert:RollbackSucceeded',
      ]);
      expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'probe_failures', failing: 1 });
      expect(h.rollback?.requests).toEqual([
        {
          status: 'failed',
          status_reason: 'probe_failures',
          failed_urls: [bad.url('/health')],
          expected_version: '1.4.2',
          deploy: DEPLOY.deploy,
          // No state store: the deploy's previousVersion, which nothing could check.
          target_version: '1.4.1',
          target_source: 'previous_version_unverified',
        },
      ]);
      const [verdictRecord, rollbackRecord] = h.store.written;
      expect(verdictRecord?.document).toMatchObject({
        stage: 'verdict',
        status: 'failed',
        rollback: { outcome: 'pending', target_version: '1.4.1', target_source: 'previous_version_unverified' },
      });
      expect(rollbackRecord?.document).toMatchObject({
        stage: 'rollback',
        status: 'failed',
        status_reason: 'probe_failures',
        rollback: { attempted: true, ok: true, outcome: 'succeeded', executor: '/bin/sh -c "./rollback.sh"' },
        links: { verdict: 'mem://evidence/verdict.json' },
      });
      expect(outcome.evidence).toBe(rollbackRecord?.document);
      expect(outcome.evidenceWritten).toBe(true);
      expect(outcome.locations).toEqual({
        verdict: { uri: 'mem://evidence/verdict.json' },
        rollback: { uri: 'mem://evidence/rollback.json' },
      });
      expect(h.notifier.sent[0]?.message.evidence_uri).toBe('mem://evidence/verdict.json');
      expect(h.notifier.sent[1]?.message.evidence_uri).toBe('mem://evidence/rollback.json');
    },
  );

  it('stays failed when the rollback succeeds', async () => {
    const bad = await serve(fixedService(500, {}));
    const h = harness({ rollback: ROLLBACK_OK });
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);
    expect(outcome.verdict.status).toBe('failed');
    expect(outcome.evidence.status).toBe('failed');
    expect(outcome.evidence.rollback.ok).toBe(true);
  });

  it('raises RollbackFailed when the rollback reports failure', async () => {
    const bad = await serve(fixedService(500, {}));
    const h = harness({ rollback: ROLLBACK_FAILED });
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);
    expect(h.log.at(-1)).toBe('alert:RollbackFailed');
    expect(outcome.evidence.rollback).toMatchObject({
      ok: false,
      outcome: 'failed',
      exit_code: 3,
      detail: 'exited with 3',
    });
  });

  it('records send_failed and stays failed when the rollback executor throws', async () => {
    const bad = await serve(fixedService(500, {}));
    const h = harness({ rollback: new RollbackSendError('no instances matched', { errorName: 'InvalidInstanceId' }) });
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);
    expect(outcome.verdict.status).toBe('failed');
    expect(outcome.evidence.rollback).toMatchObject({
      attempted: true,
      ok: false,
      outcome: 'send_failed',
      detail: 'InvalidInstanceId: no instances matched',
    });
    expect(outcome.problems).toEqual([expect.objectContaining({ port: 'rollback', error_name: 'InvalidInstanceId' })]);
    expect(h.log).toEqual([
      'evidence:verdict',
      'alert:GateFailed',
      'rollback:run',
      'evidence:rollback',
      'alert:RollbackFailed',
    ]);
  });

  it.each([
    { context: DEPLOY, log: ['evidence:verdict', 'alert:GateFailed', 'alert:RollbackRequired'] },
    { context: CLI, log: ['evidence:verdict', 'alert:GateFailed'] },
  ])('alerts $log for a failed $context.kind with no rollback executor', async ({ context, log }) => {
    const bad = await serve(fixedService(500, {}));
    const h = harness();
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), context, h.ports);
    expect(h.log).toEqual(log);
    expect(outcome.evidence.rollback.outcome).toBe('not_configured');
    expect(h.notifier.sent[0]?.subject).toContain('no rollback configured');
  });

  it('caps and redacts the rollback output it records', async () => {
    const bad = await serve(fixedService(500, {}));
    const output = `${'x'.repeat(10_000)}\nexport DEPLOY_TOKEN=tok-abc-123456\nrolled back\n`;
    const h = harness({ rollback: { ...ROLLBACK_OK, output_tail: output } });
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);
    const tail = outcome.evidence.rollback.output_tail ?? '';
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(tail.endsWith('rolled back\n')).toBe(true);
    expect(tail).not.toContain('tok-abc-123456');
  });
});

describe('runGate: failing ports', () => {
  it.each([
    {
      name: 'a passing gate',
      handler: healthyService('1.4.2'),
      status: 'passed',
      log: ['evidence:verdict', 'alert:EvidenceWriteFailed'],
    },
    {
      name: 'a failing gate',
      handler: fixedService(500, {}),
      status: 'failed',
      log: ['evidence:verdict', 'alert:EvidenceWriteFailed', 'alert:GateFailed', 'alert:RollbackRequired'],
    },
  ])(
    'alerts EvidenceWriteFailed and still returns the verdict of $name when the store throws',
    async ({ handler, status, log }) => {
      const server = await serve(handler);
      const h = harness({
        storeFails: new EvidenceWriteError('AccessDenied on evidence bucket', { errorName: 'AccessDenied' }),
      });
      const outcome = await runGate(config({ targets: [{ url: server.url('/health') }] }), DEPLOY, h.ports);
      expect(outcome.verdict.status).toBe(status);
      expect(outcome.evidenceWritten).toBe(false);
      expect(outcome.locations.verdict).toBeUndefined();
      expect(h.log).toEqual(log);
      expect(h.notifier.sent[0]?.message.evidence_error).toBe('AccessDenied on evidence bucket');
      expect(outcome.problems[0]).toMatchObject({ port: 'evidence', error_name: 'AccessDenied' });
    },
  );

  it('reports evidence not written when only the rollback record fails', async () => {
    const bad = await serve(fixedService(500, {}));
    const log: string[] = [];
    let writes = 0;
    const store: EvidenceStore = {
      write: async (_document, stage) => {
        log.push(`evidence:${stage}`);
        writes += 1;
        if (writes === 2) throw new EvidenceWriteError('disk full');
        return { uri: `mem://${stage}` };
      },
    };
    const notifier = new RecordingNotifier(log);
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, {
      evidenceStore: store,
      notifier,
      rollbackExecutor: new RecordingRollback(log, ROLLBACK_OK),
    });
    expect(outcome.evidenceWritten).toBe(false);
    expect(outcome.locations.verdict?.uri).toBe('mem://verdict');
    expect(log).toEqual([
      'evidence:verdict',
      'alert:GateFailed',
      'rollback:run',
      'evidence:rollback',
      'alert:EvidenceWriteFailed',
      'alert:RollbackSucceeded',
    ]);
  });

  it('records the problem and completes the run when the notifier throws', async () => {
    const bad = await serve(fixedService(500, {}));
    const h = harness({
      rollback: ROLLBACK_OK,
      notifierFails: new AlertPublishError('topic not found', { errorName: 'NotFound' }),
    });
    const outcome = await runGate(config({ targets: [{ url: bad.url('/health') }] }), DEPLOY, h.ports);
    expect(outcome.verdict.status).toBe('failed');
    expect(h.log).toEqual([
      'evidence:verdict',
      'alert:GateFailed',
      'rollback:run',
      'evidence:rollback',
      'alert:RollbackSucceeded',
      'evidence:delivery',
    ]);
    expect(outcome.alerts).toEqual([
      expect.objectContaining({ type: 'GateFailed', delivered: false, error: 'topic not found' }),
      expect.objectContaining({ type: 'RollbackSucceeded', delivered: false, error: 'topic not found' }),
    ]);
    expect(outcome.problems.map((problem) => [problem.port, problem.error_name])).toEqual([
      ['alert', 'NotFound'],
      ['alert', 'NotFound'],
    ]);
    expect(outcome.evidenceWritten).toBe(true);
  });
});

describe('runGate: configuration and secrets', () => {
  it('fails as invalid_config, naming the header field, when an env secret is missing', async () => {
    const server = await serve(healthyService('1.4.2'));
    const h = harness({ rollback: ROLLBACK_OK, env: {} });
    const outcome = await runGate(
      config({ targets: [{ url: server.url('/health'), headers: { authorization: { env: 'HEALTH_TOKEN' } } }] }),
      DEPLOY,
      h.ports,
    );
    expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'invalid_config' });
    expect(outcome.evidence.message).toContain('targets[0].headers.authorization');
    expect(outcome.evidence.message).toContain('HEALTH_TOKEN');
    expect(server.hits.size).toBe(0);
    expect(h.rollback?.requests).toEqual([]);
    expect(h.log).toEqual(['evidence:verdict', 'alert:GateFailed']);
    expect(h.notifier.sent[0]?.subject).toContain('configuration cannot be used');
  });

  it('sends resolved secrets and scrubs them from evidence wherever the service echoes them', async () => {
    const token = 'tok-5e6f7a8b9c0d';
    const server = await serve((request, response) =>
      sendJson(response, 503, {
        status: String(request.headers['x-api-key']),
        seen: String(request.headers.authorization).replace('Bearer ', ''),
      }),
    );
    const h = harness({ env: { HEALTH_TOKEN: token, API_KEY: 'key-1a2b3c4d5e' } });
    const outcome = await runGate(
      config({
        targets: [
          {
            url: server.url('/health'),
            headers: { authorization: 'Bearer ${HEALTH_TOKEN}', 'x-api-key': { env: 'API_KEY' } },
          },
        ],
      }),
      DEPLOY,
      h.ports,
    );
    expect(server.lastHeaders.get('/health')?.authorization).toBe(`Bearer ${token}`);
    expect(server.lastHeaders.get('/health')?.['x-api-key']).toBe('key-1a2b3c4d5e');
    expect(outcome.verdict.status).toBe('failed');
    const recorded = JSON.stringify([h.store.written, h.notifier.sent, outcome]);
    expect(recorded).not.toContain(token);
    expect(recorded).not.toContain('key-1a2b3c4d5e');
  });

  it.each([
    { name: 'a ?token= value', path: '/health?token=qt-7c1d2e3f4a5b&region=eu', secret: 'qt-7c1d2e3f4a5b' },
    { name: 'a #access_token= value', path: '/health#access_token=ft-9a8b7c6d5e4f', secret: 'ft-9a8b7c6d5e4f' },
    { name: 'a URL password', path: '/health', userinfo: 'ops:pw-3e4f5a6b7c8d@', secret: 'pw-3e4f5a6b7c8d' },
  ])(
    'scrubs $name of a target URL that the service echoes under a harmless key',
    async ({ path, userinfo, secret }) => {
      const server = await serve((_request, response) => sendJson(response, 503, { echo: secret, status: 'down' }));
      const url = server.url(path).replace('http://', `http://${userinfo ?? ''}`);
      const h = harness({ rollback: { ...ROLLBACK_OK, output_tail: `undoing ${secret}\n` } });
      const outcome = await runGate(config({ targets: [{ url }] }), DEPLOY, h.ports);
      expect(outcome.verdict.status).toBe('failed');
      expect(outcome.evidence.targets[0]?.attempts[0]?.body_excerpt).toContain('"echo":"***"');
      expect(JSON.stringify([h.store.written, h.notifier.sent, outcome])).not.toContain(secret);
    },
  );

  it('records a configuration error as failed / invalid_config with its message', async () => {
    const h = harness({ rollback: ROLLBACK_OK });
    const error = new ConfigError('--timeout-ms', -1, 'must be at least 1');
    const outcome = await recordInvalidConfig(error, CLI, h.ports);
    expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'invalid_config' });
    expect(h.store.written[0]?.document).toMatchObject({
      status: 'failed',
      status_reason: 'invalid_config',
      message: 'configuration cannot be used: --timeout-ms: must be at least 1 (got -1)',
      targets: [],
    });
    expect(h.rollback?.requests).toEqual([]);
    expect(h.log).toEqual(['evidence:verdict', 'alert:GateFailed']);
  });

  it.each([
    { value: 'https://ops:hunter22@files.example/?token=abc123' },
    { value: 'ftp://ops:hunter22@files.example/?token=abc123' },
    { value: 'redis://:hunter22@cache.example:6379/0?token=abc123' },
  ])('redacts the credentials of a rejected $value from the evidence and the alert', async ({ value }) => {
    const h = harness();
    const error = new ConfigError('RUNTIME_HEALTH_URLS', value, 'must be an http: or https: URL');
    const outcome = await recordInvalidConfig(error, CLI, h.ports);
    expect(outcome.evidence.message).toContain('RUNTIME_HEALTH_URLS');
    expect(JSON.stringify([h.store.written, h.notifier.sent])).not.toMatch(/hunter22|abc123/);
  });
});

describe('runGate: scale and bounds', () => {
  it('passes 100 healthy targets spread over four servers at concurrency 64', async () => {
    const fleet = await Promise.all(Array.from({ length: 4 }, () => serve(healthyService('1.4.2'))));
    const targets = Array.from({ length: 100 }, (_, index) => ({ url: fleet[index % 4]!.url(`/health/${index}`) }));
    const h = harness();
    const outcome = await runGate(config({ targets, concurrency: 64, expectedVersion: '1.4.2' }), CLI, h.ports);
    const failures = outcome.evidence.targets
      .filter((target) => !target.ok)
      .map((target) => [target.url, target.reason, target.attempts]);
    expect(failures).toEqual([]);
    expect(outcome.verdict).toEqual({
      status: 'passed',
      status_reason: 'all_probes_healthy',
      total: 100,
      healthy: 100,
      failing: 0,
    });
    expect(outcome.evidence.targets.map((target) => target.url)).toEqual(targets.map((target) => target.url));
    const hits = fleet.reduce((sum, server) => sum + [...server.hits.values()].reduce((a, b) => a + b, 0), 0);
    expect(hits).toBe(100);
  });

  it('finishes a gate whose server never answers', async () => {
    const silent = await serve(() => undefined);
    const settings = { timeoutMs: 300, retries: 1, backoffMs: 20 };
    const h = harness({ rollback: ROLLBACK_OK });
    const started = performance.now();
    const outcome = await runGate(config({ targets: [{ url: silent.url('/health') }], ...settings }), DEPLOY, h.ports);
    const elapsed = performance.now() - started;
    expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    expect(outcome.evidence.targets[0]?.attempts.map((attempt) => attempt.error)).toEqual(['timeout', 'timeout']);
    expect(h.rollback?.requests).toHaveLength(1);
    expect(elapsed).toBeLessThan(
      settings.timeoutMs * (settings.retries + 1) + settings.backoffMs * settings.retries + 2_000,
    );
  });
});
