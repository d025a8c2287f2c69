// The address guard with real connections: refused targets and redirect hops end as address_refused before any
// connection (the servers standing in for them see none), allowPrivate widens a policy for its target only, and the
// policy reaches every probe from the shell through runGate.

import { describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../../../lambda/core/config/config-schema.ts';
import { runGate } from '../../../../lambda/core/gate/gate.ts';
import { CLI_ADDRESS_POLICY, lambdaAddressPolicy } from '../../../../lambda/core/probe/probe.ts';
import { healthyService } from '../../../support/loopback-server.ts';
import { probe, useProbeServers } from '../../../support/probe-harness.ts';
import { RecordingEvidenceStore, RecordingNotifier } from '../gate/gate-harness.ts';

const servers = useProbeServers();
const LAMBDA = lambdaAddressPolicy('127.0.0.1:9001');
const LOOPBACK_IN_LAMBDA =
  'is a loopback address (this host); refused by the Lambda policy unless the target sets allowPrivate';

describe('probeTarget: targets the guard refuses', () => {
  it.each([
    {
      url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      detail: '169.254.169.254 is a cloud metadata address; never probed',
    },
    { url: 'http://169.254.170.2/v2/credentials', detail: '169.254.170.2 is a cloud metadata address; never probed' },
    {
      url: 'http://[fd00:ec2::254]/latest/api/token',
      detail: 'fd00:ec2::254 is a cloud metadata address; never probed',
    },
    {
      url: 'http://[::ffff:169.254.169.254]/latest/meta-data/',
      detail: '::ffff:a9fe:a9fe (169.254.169.254) is a cloud metadata address; never probed',
    },
    {
      url: 'http://169.254.10.10/health',
      detail: '169.254.10.10 is a link-local address; refused by the CLI policy unless the target sets allowPrivate',
    },
    {
      url: 'http://[fe80::1]/health',
      detail: 'fe80::1 is a link-local address; refused by the CLI policy unless the target sets allowPrivate',
    },
  ])('refuses $url under the CLI policy before connecting', async ({ url, detail }) => {
    const result = await probe({ url }, { addressPolicy: CLI_ADDRESS_POLICY, retries: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts.map((attempt) => attempt.error)).toEqual(['address_refused', 'address_refused']);
    expect(result.reason).toBe(`[CONNECTED] address_refused (${detail})`);
    for (const attempt of result.attempts) {
      expect(attempt.http_status).toBeUndefined();
      expect(attempt.remote_address).toBeUndefined();
    }
  });

  it.each(['0xa9fea9fe', '2852039166', '0251.0376.0251.0376', '169.254.43518'])(
    'refuses the metadata address spelled %s, as URL parsing normalises it',
    async (spelling) => {
      const result = await probe({ url: `http://${spelling}/latest/meta-data/` });
      expect(result.attempts[0]?.error_detail).toBe('169.254.169.254 is a cloud metadata address; never probed');
    },
  );

  it('refuses metadata addresses even for a target that sets allowPrivate', async () => {
    const result = await probe({ url: 'http://169.254.169.254/', allowPrivate: true }, { addressPolicy: LAMBDA });
    expect(result.attempts[0]?.error).toBe('address_refused');
    expect(result.attempts[0]?.error_detail).toBe('169.254.169.254 is a cloud metadata address; never probed');
  });

  it('uses the CLI policy when none is given: loopback probed, link-local refused', async () => {
    const server = await servers.http(healthyService('1.0.0'));
    expect((await probe({ url: server.url('/health') })).ok).toBe(true);
    expect((await probe({ url: 'http://169.254.1.1/' })).attempts[0]?.error).toBe('address_refused');
  });
});

describe('probeTarget: the Lambda policy and allowPrivate', () => {
  it.each([
    { name: 'an IP literal', host: '127.0.0.1', detail: `127.0.0.1 ${LOOPBACK_IN_LAMBDA}` },
    {
      name: 'a name resolving to it',
      host: 'localhost',
      detail: `localhost resolves to 127.0.0.1, which ${LOOPBACK_IN_LAMBDA}`,
    },
  ])('refuses a loopback service named by $name, and the service sees no connection', async ({ host, detail }) => {
    let connections = 0;
    const server = await servers.raw((socket) => {
      connections += 1;
      socket.destroy();
    });
    const result = await probe({ url: `http://${host}:${server.port}/health` }, { addressPolicy: LAMBDA });
    expect(result.attempts[0]?.error).toBe('address_refused');
    // localhost may also resolve to ::1; whichever address the guard met first is named.
    expect(result.attempts[0]?.error_detail?.replace('::1', '127.0.0.1')).toBe(detail);
    expect(server.connections()).toBe(0);
    expect(connections).toBe(0);
  });

  it('probes the same loopback service when the target sets allowPrivate, and records the address reached', async () => {
    const server = await servers.http(healthyService('1.0.0'));
    const result = await probe(
      { url: `http://localhost:${server.port}/health`, allowPrivate: true },
      { addressPolicy: LAMBDA },
    );
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.remote_address).toBe('127.0.0.1');
  });

  it.each([
    { name: 'an IP literal', host: '127.0.0.1' },
    { name: 'a name resolving to it', host: 'localhost' },
  ])('never probes the Lambda runtime API port by $name, even with allowPrivate', async ({ host }) => {
    const runtimeApi = await servers.raw((socket) => socket.destroy());
    const policy = lambdaAddressPolicy(`127.0.0.1:${runtimeApi.port}`);
    const result = await probe(
      { url: `http://${host}:${runtimeApi.port}/2018-06-01/runtime/invocation/next`, allowPrivate: true },
      { addressPolicy: policy },
    );
    expect(result.attempts[0]?.error).toBe('address_refused');
    expect(result.attempts[0]?.error_detail).toMatch(/port \d+ is the Lambda runtime API; never probed$/);
    expect(runtimeApi.connections()).toBe(0);
  });
});

describe('probeTarget: redirect hops through the guard', () => {
  it('refuses a redirect to the metadata service and keeps nothing of it', async () => {
    const location = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/role';
    const server = await servers.http((_request, response) => {
      response.writeHead(302, { location });
      response.end();
    });
    const result = await probe({ url: server.url('/health') });
    const attempt = result.attempts[0]!;
    expect(attempt.error).toBe('address_refused');
    expect(attempt.error_detail).toBe('169.254.169.254 is a cloud metadata address; never probed');
    expect(attempt.redirects).toEqual([location]);
    expect(attempt.body_excerpt).toBeUndefined();
  });

  it.each([
    { name: 'its address', host: '127.0.0.1' },
    { name: 'a name resolving to it', host: 'localhost' },
  ])('refuses a redirect hop to a refused port by $name, and that server sees no connection', async ({ host }) => {
    const forbidden = await servers.raw((socket) => socket.destroy());
    const first = await servers.http((_request, response) => {
      response.writeHead(307, { location: `http://${host}:${forbidden.port}/steal` });
      response.end();
    });
    const policy = lambdaAddressPolicy(`127.0.0.1:${forbidden.port}`);
    const result = await probe({ url: first.url('/health'), allowPrivate: true }, { addressPolicy: policy });
    expect(result.attempts[0]?.error).toBe('address_refused');
    expect(result.attempts[0]?.redirects).toEqual([`http://${host}:${forbidden.port}/steal`]);
    expect(first.hits.get('/health')).toBe(1);
    expect(forbidden.connections()).toBe(0);
  });
});

describe('runGate: the shell chooses the policy', () => {
  it.each([
    { name: 'the Lambda policy', policy: LAMBDA, error: 'address_refused', status: 'failed' },
    { name: 'the CLI policy', policy: CLI_ADDRESS_POLICY, error: undefined, status: 'passed' },
  ])('probes a loopback target as $name says', async ({ policy, error, status }) => {
    const server = await servers.http(healthyService('1.0.0'));
    const log: string[] = [];
    const outcome = await runGate(
      parseGateConfig({ targets: [{ url: server.url('/health') }], retries: 0 }),
      { kind: 'check', monitor: 'guard' },
      { evidenceStore: new RecordingEvidenceStore(log), notifier: new RecordingNotifier(log) },
      { addressPolicy: policy },
    );
    expect(outcome.verdict.status).toBe(status);
    expect(outcome.evidence.targets[0]?.attempts[0]?.error).toBe(error);
    expect(server.hits.get('/health')).toBe(error === undefined ? 1 : undefined);
  });
});
