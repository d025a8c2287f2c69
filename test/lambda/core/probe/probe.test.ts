import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../../../lambda/core/config/config-schema.ts';
import { probeTarget, type ProbeSettings, type TargetResult } from '../../../../lambda/core/probe/probe.ts';
import { createRedactor } from '../../../../lambda/core/secrets/redact.ts';
import {
  closedPort,
  fixedService,
  healthyService,
  sendJson,
  type RouteHandler,
} from '../../../support/loopback-server.ts';
import { useLoopbackServers } from './loopback-fixture.ts';

const ONE_MIB = 1024 * 1024;
const CAP = 64 * 1024;

const serve = useLoopbackServers();

/** A healthy answer never waits for the timeout, so a generous one costs nothing; the timeout tests set their own. */
function settings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return { timeoutMs: 2_000, retries: 0, backoffMs: 0, maxBodyBytes: CAP, expectedVersion: undefined, ...overrides };
}

function probe(
  target: TargetConfig,
  overrides: Partial<ProbeSettings> = {},
  headers: Record<string, string> = {},
): Promise<TargetResult> {
  return probeTarget(target, headers, settings(overrides), createRedactor(Object.values(headers)));
}

function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://127.0.0.1').pathname;
}

/** Every attempt records its latency and either the HTTP status it got or the transport error. */
function expectWellFormedAttempts(result: TargetResult): void {
  expect(result.attempts.length).toBeGreaterThan(0);
  result.attempts.forEach((attempt, index) => {
    expect(attempt.attempt).toBe(index + 1);
    expect(attempt.latency_ms).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(attempt.latency_ms)).toBe(true);
    expect(attempt.http_status !== undefined || attempt.error !== undefined).toBe(true);
  });
}

describe('probeTarget: what the service answers', () => {
  it.each([
    {
      name: 'a healthy 200 JSON',
      handler: healthyService('1.4.2'),
      version: undefined,
      ok: true,
      status: 200,
      reason: undefined,
    },
    {
      name: 'a 500',
      handler: fixedService(500, { error: 'boom' }),
      version: undefined,
      ok: false,
      status: 500,
      reason: '[STATUS] 500 in [200-299]',
    },
    {
      name: 'a 503 with a JSON body',
      handler: fixedService(503, { status: 'ok', version: '1.4.2' }),
      version: undefined,
      ok: false,
      status: 503,
      reason: '[STATUS] 503 in [200-299]',
    },
    {
      name: 'a degraded status',
      handler: fixedService(200, { status: 'degraded' }),
      version: undefined,
      ok: false,
      status: 200,
      reason: '[BODY].status "degraded" in [ok, healthy, pass, up]',
    },
    {
      name: 'the wrong version',
      handler: healthyService('1.4.1'),
      version: '1.4.2',
      ok: false,
      status: 200,
      reason: '[BODY].version "1.4.1" == "1.4.2"',
    },
    {
      name: 'the right version',
      handler: healthyService('1.4.2'),
      version: '1.4.2',
      ok: true,
      status: 200,
      reason: undefined,
    },
    {
      name: 'the right version with a v',
      handler: healthyService('v1.4.2'),
      version: '1.4.2',
      ok: true,
      status: 200,
      reason: undefined,
    },
    {
      name: 'the right version expected with a v',
      handler: healthyService('1.4.2'),
      version: 'v1.4.2',
      ok: true,
      status: 200,
      reason: undefined,
    },
  ])('judges $name as ok=$ok', async ({ handler, version, ok, status, reason }) => {
    const server = await serve(handler);
    const result = await probe({ url: server.url('/health'), name: 'api' }, { expectedVersion: version });
    expect(result.ok).toBe(ok);
    expect(result.name).toBe('api');
    expect(result.url).toBe(server.url('/health'));
    expect(result.reason).toBe(reason);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]?.http_status).toBe(status);
    expect(result.attempts[0]?.body_excerpt).toBeTruthy();
    expect(result.expectations).toBe(result.attempts[0]?.expectations);
    if (version !== undefined) expect(result.expected_version).toBe(version);
    expectWellFormedAttempts(result);
  });

  it('reads the version from a bare /version body and records it', async () => {
    const server = await serve(healthyService('v2.0.0'));
    const result = await probe({ url: server.url('/version') }, { expectedVersion: '2.0.0' });
    expect(result.ok).toBe(true);
    expect(result.version).toBe('v2.0.0');
    expect(result.attempts[0]?.version).toBe('v2.0.0');
  });
});

describe('probeTarget: transport failures', () => {
  it('records connection_refused when nothing listens', async () => {
    const port = await closedPort();
    const result = await probe({ url: `http://127.0.0.1:${port}/health` }, { retries: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts.map((attempt) => attempt.error)).toEqual(['connection_refused', 'connection_refused']);
    expect(result.attempts[0]?.http_status).toBeUndefined();
    expect(result.expectations).toEqual([
      expect.objectContaining({ name: 'connected', ok: false, observed: 'connection_refused' }),
    ]);
    expect(result.reason).toMatch(/^\[CONNECTED\] connection_refused/);
    expectWellFormedAttempts(result);
  });

  it('records reset when the server drops the connection before answering', async () => {
    const server = await serve((request) => void request.socket.destroy());
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('reset');
    expect(result.reason).toMatch(/^\[CONNECTED\] reset/);
  });

  it('records a body cut short of its content-length as a truncated invalid_response', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"status":');
      setTimeout(() => request.socket.destroy(), 10);
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.http_status).toBe(200);
    expect(result.reason).toBe(
      '[CONNECTED] invalid_response (truncated body: the connection closed after 10 of 1000 declared bytes)',
    );
  });

  it.each([
    { name: 'accepts but never answers', handler: (() => undefined) satisfies RouteHandler },
    {
      name: 'sends headers then one byte every 50 ms forever',
      handler: ((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('o');
        const drip = setInterval(() => response.write('k'), 50);
        response.on('close', () => clearInterval(drip));
      }) satisfies RouteHandler,
    },
  ])('abandons a server that $name within the timeout', async ({ handler }) => {
    const server = await serve(handler);
    const timeoutMs = 300;
    const retries = 1;
    const started = performance.now();
    const result = await probe({ url: server.url('/health') }, { timeoutMs, retries });
    const elapsed = performance.now() - started;

    expect(result.ok).toBe(false);
    expect(result.attempts.map((attempt) => attempt.error)).toEqual(['timeout', 'timeout']);
    expect(result.reason).toBe('[CONNECTED] timeout (no complete answer in time)');
    expect(elapsed).toBeLessThan(timeoutMs * (retries + 1) + 1_000);
    expectWellFormedAttempts(result);
  });

  it.each([
    {
      name: 'a declared content-length',
      declare: true,
      detail: `body over ${CAP} bytes: content-length ${ONE_MIB} declared, not read`,
    },
    { name: 'a chunked body', declare: false, detail: `body over ${CAP} bytes: stopped after ` },
  ])('cuts a 1 MiB body with $name at the cap, and the server sees the cut', async ({ declare, detail }) => {
    let cut!: (seen: { finished: boolean; sent: number }) => void;
    const serverSaw = new Promise<{ finished: boolean; sent: number }>((resolve) => {
      cut = resolve;
    });
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const server = await serve((_request, response) => {
      response.writeHead(200, {
        'content-type': 'text/plain',
        ...(declare ? { 'content-length': String(ONE_MIB) } : {}),
      });
      let sent = 0;
      // Paced, so the 1 MiB cannot all sit in socket buffers before the client decides.
      const pump = setInterval(() => {
        if (sent >= ONE_MIB) {
          clearInterval(pump);
          response.end();
          return;
        }
        response.write(chunk);
        sent += chunk.length;
      }, 5);
      response.on('close', () => {
        clearInterval(pump);
        cut({ finished: response.writableFinished, sent });
      });
    });

    const result = await probe({ url: server.url('/big') }, { timeoutMs: 5_000 });

    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('body_too_large');
    expect(result.attempts[0]?.http_status).toBe(200);
    expect(result.reason).toContain(`[CONNECTED] body_too_large (${detail}`);
    // Never more than the cap plus the chunk that crossed it.
    expect(result.attempts[0]?.body_bytes ?? 0).toBeLessThanOrEqual(CAP + 64 * 1024);
    const seen = await serverSaw;
    expect(seen.finished).toBe(false);
    expect(seen.sent).toBeLessThan(ONE_MIB);
  });

  it('accepts a body of exactly the cap', async () => {
    const body = `{"status":"ok","pad":"${'p'.repeat(CAP - 24)}"}`;
    expect(Buffer.byteLength(body)).toBe(CAP);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.body_bytes).toBe(CAP);
  });
});

describe('probeTarget: redirects', () => {
  const redirect = (response: ServerResponse, location: string, status = 302): void => {
    response.writeHead(status, { location });
    response.end();
  };

  it('stops a redirect loop', async () => {
    const server = await serve((request, response) => redirect(response, pathOf(request.url) === '/a' ? '/b' : '/a'));
    const result = await probe({ url: server.url('/a') });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('redirect_loop');
    expect(result.attempts[0]?.redirects).toEqual([server.url('/b'), server.url('/a')]);
    expect(server.hits.get('/a')).toBe(1);
    expect(server.hits.get('/b')).toBe(1);
  });

  it('stops after more than five redirects', async () => {
    const server = await serve((request, response) => {
      const hop = Number(pathOf(request.url).slice('/hop/'.length));
      redirect(response, `/hop/${hop + 1}`, 307);
    });
    const result = await probe({ url: server.url('/hop/0') });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('too_many_redirects');
    expect(result.attempts[0]?.redirects).toHaveLength(6);
    expect([...server.hits.values()].reduce((sum, hits) => sum + hits, 0)).toBe(6);
  });

  it.each([
    { hops: 2, ok: true },
    { hops: 5, ok: true },
  ])('follows $hops redirects to a healthy answer and records them', async ({ hops, ok }) => {
    const server = await serve((request, response) => {
      const hop = Number(pathOf(request.url).slice('/hop/'.length));
      if (hop < hops) redirect(response, server.url(`/hop/${hop + 1}`), 301);
      else sendJson(response, 200, { status: 'ok' });
    });
    const result = await probe({ url: server.url('/hop/0') });
    expect(result.ok).toBe(ok);
    expect(result.attempts[0]?.http_status).toBe(200);
    expect(result.attempts[0]?.redirects).toEqual(
      Array.from({ length: hops }, (_, index) => server.url(`/hop/${index + 1}`)),
    );
  });

  it.each([
    { location: 'ftp://files.example/health', detail: 'redirect to ftp: is not followed' },
    { location: 'http://[::1', detail: 'unparseable Location' },
  ])('refuses a redirect to $location', async ({ location, detail }) => {
    const server = await serve((_request, response) => redirect(response, location));
    const result = await probe({ url: server.url('/start') });
    expect(result.attempts[0]?.error).toBe('bad_redirect');
    expect(result.attempts[0]?.error_detail).toContain(detail);
  });
});

describe('probeTarget: retries', () => {
  it('passes with three attempts recorded when the service fails twice then recovers', async () => {
    let calls = 0;
    const server = await serve((_request, response) => {
      calls += 1;
      if (calls <= 2) sendJson(response, 503, { status: 'starting' });
      else sendJson(response, 200, { status: 'ok', version: '1.4.2' });
    });
    const result = await probe({ url: server.url('/health') }, { retries: 2, backoffMs: 5, expectedVersion: '1.4.2' });
    expect(result.ok).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.attempts.map((attempt) => [attempt.attempt, attempt.http_status, attempt.ok])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(result.attempts[0]?.expectations.find((e) => e.name === 'status')?.condition).toBe(
      '[STATUS] 503 in [200-299]',
    );
    expectWellFormedAttempts(result);
  });

  it('stops at the first healthy attempt', async () => {
    const server = await serve(healthyService('1.0.0'));
    const result = await probe({ url: server.url('/health') }, { retries: 3 });
    expect(result.attempts).toHaveLength(1);
    expect(server.hits.get('/health')).toBe(1);
  });

  it('gives up after retries + 1 attempts and reports the last one', async () => {
    const server = await serve(fixedService(500, {}));
    const result = await probe({ url: server.url('/health') }, { retries: 2 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(3);
    expect(server.hits.get('/health')).toBe(3);
  });

  it('waits backoffMs before a retry', async () => {
    const backoffMs = 20;
    const arrivals: number[] = [];
    const server = await serve((_request, response) => {
      arrivals.push(performance.now());
      sendJson(response, 500, {});
    });
    await probe({ url: server.url('/health') }, { retries: 1, backoffMs });
    expect(arrivals).toHaveLength(2);
    // Timers may fire up to a millisecond early against performance.now(); the gap can only be longer, never shorter.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(backoffMs - 2);
  });
});

describe('probeTarget: headers and secrets', () => {
  const SECRETS = { authorization: 'Bearer tok-9f8e7d6c5b4a', 'x-api-key': 'key-0a1b2c3d4e5f' };

  it('sends the target headers and never records their values', async () => {
    const server = await serve((request, response) =>
      sendJson(response, 200, { status: 'ok', seen: Object.keys(request.headers) }),
    );
    const result = await probe({ url: server.url('/health') }, {}, SECRETS);
    const seen = server.lastHeaders.get('/health');
    expect(seen?.authorization).toBe(SECRETS.authorization);
    expect(seen?.['x-api-key']).toBe(SECRETS['x-api-key']);
    expect(seen?.['user-agent']).toBe('rollgate-health-gate/1');
    expect(result.ok).toBe(true);
    expect(result.header_names).toEqual(['authorization', 'x-api-key']);
    const recorded = JSON.stringify(result);
    for (const value of [...Object.values(SECRETS), 'tok-9f8e7d6c5b4a']) expect(recorded).not.toContain(value);
  });

  it('does not forward the headers on a cross-origin redirect', async () => {
    const other = await serve(healthyService('1.0.0'));
    const first = await serve((request, response) => {
      if (pathOf(request.url) === '/start') {
        response.writeHead(302, { location: '/same-origin' });
      } else {
        response.writeHead(302, { location: other.url('/health') });
      }
      response.end();
    });
    const result = await probe({ url: first.url('/start') }, {}, SECRETS);
    expect(result.ok).toBe(true);
    expect(first.lastHeaders.get('/start')?.authorization).toBe(SECRETS.authorization);
    expect(first.lastHeaders.get('/same-origin')?.authorization).toBe(SECRETS.authorization);
    const crossed = other.lastHeaders.get('/health');
    expect(crossed).toBeDefined();
    expect(crossed?.authorization).toBeUndefined();
    expect(crossed?.['x-api-key']).toBeUndefined();
  });

  it.each([
    { name: 'in an ordinary field', body: (s: string) => ({ status: 'ok', echo: s }), ok: true, version: undefined },
    { name: 'as the status', body: (s: string) => ({ status: s }), ok: false, version: undefined },
    { name: 'as the version', body: (s: string) => ({ status: 'ok', version: s }), ok: false, version: '1.0.0' },
    {
      name: 'across the excerpt boundary',
      body: (s: string) => ({ status: 'ok', pad: 'p'.repeat(256 - 38), echo: s }),
      ok: true,
      version: undefined,
    },
  ])('scrubs a header secret the service echoes back $name', async ({ body, ok, version }) => {
    const secret = SECRETS['x-api-key'];
    const server = await serve((request, response) =>
      sendJson(response, 200, body(String(request.headers['x-api-key']))),
    );
    const result = await probe({ url: server.url('/health') }, { expectedVersion: version }, SECRETS);
    expect(server.lastHeaders.get('/health')?.['x-api-key']).toBe(secret);
    expect(result.ok).toBe(ok);
    expect(result.attempts[0]?.body_excerpt).toContain('***');
    const recorded = JSON.stringify(result);
    for (let length = 6; length <= secret.length; length += 1) expect(recorded).not.toContain(secret.slice(0, length));
  });

  it('sends URL userinfo as Basic auth to the target origin only, and records neither', async () => {
    const other = await serve(healthyService('1.0.0'));
    const first = await serve((_request, response) => {
      response.writeHead(302, { location: other.url('/health') });
      response.end();
    });
    const result = await probe({ url: `http://deploy:hunter22@127.0.0.1:${first.port}/start` });
    const basic = `Basic ${Buffer.from('deploy:hunter22').toString('base64')}`;
    expect(first.lastHeaders.get('/start')?.authorization).toBe(basic);
    expect(other.lastHeaders.get('/health')?.authorization).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.url).toBe(`http://***:***@127.0.0.1:${first.port}/start`);
    expect(JSON.stringify(result)).not.toMatch(/hunter22|deploy:|ZGVwbG95/);
  });

  it('probes a URL whose userinfo holds a stray percent sign instead of throwing', async () => {
    const server = await serve(healthyService('1.0.0'));
    const result = await probe({ url: `http://ops:50%off@127.0.0.1:${server.port}/health` });
    expect(result.ok).toBe(true);
    expect(server.lastHeaders.get('/health')?.authorization).toBe(
      `Basic ${Buffer.from('ops:50%off').toString('base64')}`,
    );
    expect(JSON.stringify(result)).not.toContain('50%off');
  });

  it.each([
    { name: 'userinfo', path: '/health', auth: 'deploy:hunter22@', hidden: ['deploy', 'hunter22'], shown: '/health' },
    {
      name: 'a token query value',
      path: '/health?token=abc123xyz&deep=1',
      auth: '',
      hidden: ['abc123xyz'],
      shown: '/health?token=***&deep=1',
    },
  ])('redacts $name in the recorded URL', async ({ path, auth, hidden, shown }) => {
    const server = await serve(healthyService('1.0.0'));
    const url = `http://${auth}127.0.0.1:${server.port}${path}`;
    const result = await probe({ url });
    expect(result.url).toContain(shown);
    const recorded = JSON.stringify(result);
    for (const secret of hidden) expect(recorded).not.toContain(secret);
  });
});
