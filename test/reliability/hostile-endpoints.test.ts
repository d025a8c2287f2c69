// Hostile endpoints: one test per way an endpoint (or whatever answers in its place) can try to fool, stall or exhaust
// the probe. Each names the reason the probe must give and checks that every attempt ended within its timeout. The
// cases that need DNS names run in network namespaces of their own, so names resolve on this machine only.

import type { Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeErrorKind } from '../../lambda/core/probe/probe-error.ts';
import { CLI_ADDRESS_POLICY, lambdaAddressPolicy, type TargetResult } from '../../lambda/core/probe/probe.ts';
import { healthyService } from '../support/loopback-server.ts';
import { networkNamespaceAvailability, runInNetworkNamespace } from '../support/network-namespace.ts';
import type { NamespacedCase } from '../support/namespaced-probe.ts';
import {
  CAP,
  compressionBomb,
  expectWithinBound,
  ONE_CHUNK,
  probe,
  probeOnFetchBadPort,
  useProbeServers,
  type BombEncoding,
} from '../support/probe-harness.ts';
import { rawHead } from '../support/raw-socket-server.ts';
import { createTestCertificates } from '../support/test-certificates.ts';

const servers = useProbeServers();
/** The attempt timeout of the cases that stall: short, since each must end at it. */
const STALL_TIMEOUT_MS = 400;
/** The attempt timeout of every other case: they must end on their own, long before it. */
const TIMEOUT_MS = 5_000;

/** The probe failed with `error` on every attempt, and every attempt ended within `timeoutMs`. */
function expectRefused(result: TargetResult, error: ProbeErrorKind, timeoutMs = TIMEOUT_MS): void {
  expect(result.ok).toBe(false);
  expect(result.attempts.map((attempt) => attempt.error)).toEqual(result.attempts.map(() => error));
  expect(result.reason).toMatch(new RegExp(`^\\[CONNECTED\\] ${error}`));
  expectWithinBound(result, timeoutMs);
}

/** The endpoint answered, but its body is not the JSON it claims to be. */
function expectInvalidJson(result: TargetResult): void {
  expect(result.ok).toBe(false);
  expect(result.attempts[0]?.http_status).toBe(200);
  expect(result.reason).toMatch(/^\[BODY\] is not valid JSON: /);
  expectWithinBound(result, TIMEOUT_MS);
}

/** Writes `piece` to the socket every `ms` until it closes. */
function dripForever(socket: Socket, every: (ms: number, action: () => unknown) => void, piece: string, ms = 40) {
  every(ms, () => socket.write(piece));
}

async function bomb(encoding: BombEncoding, header: string): Promise<TargetResult> {
  const body = compressionBomb(encoding);
  const server = await servers.http((_request, response) => {
    // The length declared, and under the cap: only a cap on decoded bytes stops it.
    response.writeHead(200, { 'content-encoding': header, 'content-length': body.length });
    response.end(body);
  });
  return probe({ url: server.url('/health') }, { timeoutMs: TIMEOUT_MS });
}

function expectStoppedAtDecodedCap(result: TargetResult): void {
  expectRefused(result, 'body_too_large');
  const attempt = result.attempts[0]!;
  expect(attempt.error_detail).toMatch(new RegExp(`^body over ${CAP} bytes decoded`));
  expect(attempt.body_bytes).toBeLessThanOrEqual(CAP + ONE_CHUNK);
}

describe('hostile endpoints: stalls', () => {
  it('hang: accepts the connection and never answers -> timeout', async () => {
    const server = await servers.raw(() => undefined);
    expectRefused(
      await probe({ url: server.url('/health') }, { timeoutMs: STALL_TIMEOUT_MS }),
      'timeout',
      STALL_TIMEOUT_MS,
    );
  });

  it('drip: sends headers, then one body byte every 40 ms forever -> timeout', async () => {
    const server = await servers.raw((socket, tools) => {
      socket.write(rawHead('HTTP/1.1 200 OK', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }));
      dripForever(socket, tools.every, '1\r\nx\r\n');
    });
    const result = await probe({ url: server.url('/health') }, { timeoutMs: STALL_TIMEOUT_MS });
    expectRefused(result, 'timeout', STALL_TIMEOUT_MS);
    expect(result.attempts[0]?.http_status).toBe(200);
  });

  it('slowloris headers: a status line, then one header byte every 40 ms -> timeout', async () => {
    const server = await servers.raw((socket, tools) => {
      socket.write('HTTP/1.1 200 OK\r\nx-slow: ');
      dripForever(socket, tools.every, 'a');
    });
    const result = await probe({ url: server.url('/health') }, { timeoutMs: STALL_TIMEOUT_MS });
    expectRefused(result, 'timeout', STALL_TIMEOUT_MS);
  });
});

describe('hostile endpoints: bodies', () => {
  it('lie about length: declares 1000 bytes, sends 10 and closes -> invalid_response (truncated)', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.1 200 OK', { 'content-length': 1000 })}{"status":`);
    });
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'invalid_response');
    expect(result.attempts[0]?.error_detail).toBe(
      'truncated body: the connection closed after 10 of 1000 declared bytes',
    );
  });

  it('declares a 10 GiB body -> body_too_large without reading it', async () => {
    const server = await servers.raw((socket) =>
      socket.write(rawHead('HTTP/1.1 200 OK', { 'content-length': 10 * 2 ** 30 })),
    );
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'body_too_large');
    expect(result.attempts[0]?.error_detail).toContain('not read');
  });

  it('endless chunked body -> body_too_large at the cap', async () => {
    const server = await servers.raw((socket, tools) => {
      socket.write(rawHead('HTTP/1.1 200 OK', { 'transfer-encoding': 'chunked' }));
      const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
      tools.every(1, () => socket.write(chunk));
    });
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'body_too_large');
    expect(result.attempts[0]?.body_bytes).toBeLessThanOrEqual(CAP + ONE_CHUNK);
  });

  it('gzip bomb: 64 MiB of zeros in about 64 KB -> body_too_large at the decoded cap', async () => {
    expectStoppedAtDecodedCap(await bomb('gzip', 'gzip'));
  });

  it('brotli bomb: 64 MiB of zeros in about 100 bytes -> body_too_large at the decoded cap', async () => {
    expectStoppedAtDecodedCap(await bomb('br', 'br'));
  });

  it('deflate bomb: 64 MiB of zeros, zlib-wrapped -> body_too_large at the decoded cap', async () => {
    expectStoppedAtDecodedCap(await bomb('deflate', 'deflate'));
  });

  it('raw deflate bomb: 64 MiB of zeros without the zlib wrapper -> body_too_large at the decoded cap', async () => {
    expectStoppedAtDecodedCap(await bomb('deflate-raw', 'deflate'));
  });

  it('an encoding nobody asked for (zstd) -> invalid_response naming it', async () => {
    const server = await servers.http((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'zstd' });
      response.end('(\xb5/\xfd');
    });
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'invalid_response');
    expect(result.attempts[0]?.error_detail).toContain('"zstd"');
  });

  it('truncated JSON with a matching length -> failed: [BODY] is not valid JSON', async () => {
    const server = await servers.http((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"degraded",');
    });
    expectInvalidJson(await probe({ url: server.url('/health') }));
  });

  it('HTTP/1.0 answer whose connection closes mid-JSON -> failed: [BODY] is not valid JSON', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.0 200 OK', { 'content-type': 'application/json' })}{"status":"ok","vers`);
    });
    expectInvalidJson(await probe({ url: server.url('/health') }));
  });
});

describe('hostile endpoints: protocol abuse', () => {
  it('huge headers: 1 MiB of them -> invalid_response', async () => {
    const server = await servers.raw((socket) => {
      const headers = Object.fromEntries(Array.from({ length: 1024 }, (_, i) => [`x-h${i}`, 'v'.repeat(1000)]));
      socket.end(rawHead('HTTP/1.1 200 OK', headers));
    });
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'invalid_response');
    expect(result.attempts[0]?.error_detail).toMatch(/^HPE_HEADER_OVERFLOW/);
  });

  it('invalid status line -> invalid_response', async () => {
    const server = await servers.raw((socket) => socket.end('HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\nOK'));
    expectRefused(await probe({ url: server.url('/health') }), 'invalid_response');
  });

  it('not HTTP at all (an SSH banner) -> invalid_response', async () => {
    const server = await servers.raw((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    expectRefused(await probe({ url: server.url('/health') }), 'invalid_response');
  });

  it('1xx storm: 103 Early Hints forever -> invalid_response', async () => {
    const server = await servers.raw((socket, tools) =>
      dripForever(socket, tools.every, 'HTTP/1.1 103 Early Hints\r\nlink: </a.js>; rel=preload\r\n\r\n', 2),
    );
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'invalid_response');
    expect(result.attempts[0]?.error_detail).toContain('interim (1xx) responses');
  });

  it('chunked encoding garbage -> invalid_response', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.1 200 OK', { 'transfer-encoding': 'chunked' })}5\r\nhello\r\nnot-a-size\r\n`);
    });
    expectRefused(await probe({ url: server.url('/health') }), 'invalid_response');
  });

  it('switches protocols unasked (101) -> invalid_response', async () => {
    const server = await servers.raw((socket) => {
      socket.write(rawHead('HTTP/1.1 101 Switching Protocols', { upgrade: 'h2c', connection: 'upgrade' }));
    });
    expectRefused(await probe({ url: server.url('/health') }), 'invalid_response');
  });

  it('bad port: a healthy service on a port fetch refuses -> passes', async (context) => {
    const result = await probeOnFetchBadPort(context.skip);
    expect(result.ok).toBe(true);
    expectWithinBound(result, TIMEOUT_MS);
  });
});

describe('hostile endpoints: redirects', () => {
  const redirectingTo = (location: (path: string) => string) =>
    servers.http((request, response) => {
      response.writeHead(302, { location: location(new URL(request.url ?? '/', 'http://x').pathname) });
      response.end();
    });

  it('redirect to the metadata service -> address_refused, nothing of it kept', async () => {
    const server = await redirectingTo(() => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'address_refused');
    expect(result.attempts[0]?.body_excerpt).toBeUndefined();
  });

  it('redirect loop -> redirect_loop', async () => {
    const server = await redirectingTo((path) => (path === '/a' ? '/b' : '/a'));
    expectRefused(await probe({ url: server.url('/a') }), 'redirect_loop');
  });

  it('endless redirect chain -> too_many_redirects', async () => {
    let hop = 0;
    const server = await redirectingTo(() => {
      hop += 1;
      return `/hop/${hop}`;
    });
    expectRefused(await probe({ url: server.url('/health') }), 'too_many_redirects');
  });

  it('redirect to file: -> bad_redirect', async () => {
    const server = await redirectingTo(() => 'file:///etc/passwd');
    const result = await probe({ url: server.url('/health') });
    expectRefused(result, 'bad_redirect');
    expect(result.attempts[0]?.error_detail).toBe('redirect to file: is not followed');
  });
});

describe('hostile endpoints: TLS', () => {
  const certificates = createTestCertificates();

  it('TLS self-signed certificate -> tls', async () => {
    const server = await servers.http(healthyService('1.4.2'), { tls: certificates.selfSigned });
    expectRefused(await probe({ url: server.url('/health') }, { trustedCaPem: certificates.caPem }), 'tls');
  });

  it('TLS certificate for another host -> tls', async () => {
    const server = await servers.http(healthyService('1.4.2'), { tls: certificates.wrongHost });
    expectRefused(await probe({ url: server.url('/health') }, { trustedCaPem: certificates.caPem }), 'tls');
  });
});

describe('hostile endpoints: addresses', () => {
  it('metadata literal -> address_refused', async () => {
    const result = await probe(
      { url: 'http://169.254.169.254/latest/meta-data/' },
      { addressPolicy: CLI_ADDRESS_POLICY },
    );
    expectRefused(result, 'address_refused');
  });

  it('link-local literal -> address_refused', async () => {
    expectRefused(
      await probe({ url: 'http://169.254.42.1/health' }, { addressPolicy: CLI_ADDRESS_POLICY }),
      'address_refused',
    );
  });

  it('IPv4-mapped metadata literal -> address_refused', async () => {
    const result = await probe({ url: 'http://[::ffff:169.254.169.254]/latest/meta-data/' });
    expectRefused(result, 'address_refused');
    expect(result.attempts[0]?.error_detail).toContain('(169.254.169.254) is a cloud metadata address');
  });

  it('the Lambda runtime API port, even for an allowPrivate target -> address_refused', async () => {
    const runtimeApi = await servers.raw((socket) =>
      socket.end(`${rawHead('HTTP/1.1 200 OK', { 'content-length': 2 })}{}`),
    );
    const result = await probe(
      { url: `http://127.0.0.1:${runtimeApi.port}/2018-06-01/runtime/invocation/next`, allowPrivate: true },
      { addressPolicy: lambdaAddressPolicy(`127.0.0.1:${runtimeApi.port}`) },
    );
    expectRefused(result, 'address_refused');
    expect(runtimeApi.connections()).toBe(0);
  });
});

const namespaces = networkNamespaceAvailability();
const inNamespace = namespaces.available ? it : it.skip;
const unlessSkipped = (name: string): string =>
  namespaces.available ? name : `${name} (skipped: ${namespaces.reason ?? 'no network namespaces here'})`;

describe('hostile endpoints: DNS names (in a network namespace)', () => {
  const HOSTS: Array<[string, string]> = [
    ['127.0.0.1', 'service.rollgate.test'],
    ['169.254.169.254', 'metadata.rollgate.test'],
    ['10.0.0.7', 'internal.rollgate.test'],
    ['::ffff:169.254.169.254', 'mapped.rollgate.test'],
    ['127.0.0.1', 'mixed.rollgate.test'],
    ['169.254.169.254', 'mixed.rollgate.test'],
  ];
  const CASES: NamespacedCase[] = [
    { name: 'metadata', url: 'http://metadata.rollgate.test/latest/meta-data/', policy: 'cli' },
    { name: 'private', url: 'http://internal.rollgate.test:{port}/health', policy: 'lambda' },
    { name: 'mapped', url: 'http://mapped.rollgate.test/latest/meta-data/', policy: 'cli' },
    { name: 'mixed', url: 'http://mixed.rollgate.test:{port}/health', policy: 'cli' },
    {
      name: 'redirect',
      url: 'http://service.rollgate.test:{port}/redirect?to=http://metadata.rollgate.test/latest/meta-data/',
      policy: 'cli',
    },
    { name: 'allowed', url: 'http://service.rollgate.test:{port}/health', policy: 'cli' },
  ];
  let results: Record<string, TargetResult> = {};
  beforeAll(async () => {
    if (!namespaces.available) return;
    const output = (await runInNetworkNamespace('test/support/namespaced-probe.ts', HOSTS, { cases: CASES })) as {
      results: Record<string, TargetResult>;
    };
    results = output.results;
  }, 60_000);

  inNamespace(unlessSkipped('DNS name resolving to metadata -> address_refused'), () => {
    expectRefused(results.metadata!, 'address_refused');
    expect(results.metadata?.attempts[0]?.error_detail).toBe(
      'metadata.rollgate.test resolves to 169.254.169.254, which is a cloud metadata address; never probed',
    );
  });

  inNamespace(
    unlessSkipped('DNS name resolving to a private address under the Lambda policy -> address_refused'),
    () => {
      expectRefused(results.private!, 'address_refused');
      expect(results.private?.attempts[0]?.error_detail).toBe(
        'internal.rollgate.test resolves to 10.0.0.7, which is a private-network address; refused by the Lambda policy unless the target sets allowPrivate',
      );
    },
  );

  inNamespace(unlessSkipped('DNS name resolving to IPv4-mapped metadata -> address_refused'), () => {
    expectRefused(results.mapped!, 'address_refused');
    expect(results.mapped?.attempts[0]?.error_detail).toContain('::ffff:169.254.169.254 (169.254.169.254)');
  });

  inNamespace(unlessSkipped('DNS name with a metadata address among good ones -> address_refused'), () => {
    expectRefused(results.mixed!, 'address_refused');
    expect(results.mixed?.attempts[0]?.error_detail).toContain('169.254.169.254, which is a cloud metadata address');
  });

  inNamespace(unlessSkipped('redirect to a DNS name resolving to metadata -> address_refused'), () => {
    expectRefused(results.redirect!, 'address_refused');
    expect(results.redirect?.attempts[0]?.redirects).toEqual(['http://metadata.rollgate.test/latest/meta-data/']);
    // The same names, when allowed, do resolve and answer inside the namespace: the refusals above are the guard's.
    expect(results.allowed?.ok).toBe(true);
    expect(results.allowed?.attempts[0]?.remote_address).toBe('127.0.0.1');
  });
});
