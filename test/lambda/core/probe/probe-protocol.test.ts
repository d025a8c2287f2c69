// The transport against real servers speaking (or abusing) HTTP: any port works, header floods and broken framing are
// invalid_response, TLS is verified, stalls end at the deadline, and nothing is left open afterwards.

import { describe, expect, it } from 'vitest';
import { lambdaAddressPolicy } from '../../../../lambda/core/probe/probe.ts';
import { healthyService, startLoopbackServer } from '../../../support/loopback-server.ts';
import { expectWithinBound, probe, probeOnFetchBadPort, useProbeServers } from '../../../support/probe-harness.ts';
import { rawHead } from '../../../support/raw-socket-server.ts';
import { createTestCertificates } from '../../../support/test-certificates.ts';

const servers = useProbeServers();

describe('probeTarget: ports', () => {
  it('probes a healthy service on a port that fetch refuses as a "bad port"', async (context) => {
    const result = await probeOnFetchBadPort(context.skip);
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.remote_address).toBe('127.0.0.1');
  });
});

describe('probeTarget: headers and framing', () => {
  it('fails response headers over 16 KiB as invalid_response', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.1 200 OK', { 'x-flood': 'a'.repeat(32 * 1024), 'content-length': 2 })}OK`);
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail).toMatch(/^HPE_HEADER_OVERFLOW: /);
  });

  it('accepts 8 KiB of response headers', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.1 200 OK', { 'x-big': 'a'.repeat(8 * 1024), 'content-length': 2 })}OK`);
    });
    expect((await probe({ url: server.url('/health') })).ok).toBe(true);
  });

  it.each([
    { name: 'a status line that is not HTTP', answer: 'HTTP/1.1 abc OK\r\n\r\n', code: 'HPE_INVALID_STATUS' },
    { name: 'another protocol', answer: 'SSH-2.0-OpenSSH_9.6\r\n', code: 'HPE_' },
    {
      name: 'garbage chunk sizes',
      answer: `${rawHead('HTTP/1.1 200 OK', { 'transfer-encoding': 'chunked' })}zz\r\nnope\r\n0\r\n\r\n`,
      code: 'HPE_INVALID_CHUNK_SIZE',
    },
    {
      name: 'both content-length and chunked',
      answer: `${rawHead('HTTP/1.1 200 OK', { 'content-length': 2, 'transfer-encoding': 'chunked' })}2\r\nOK\r\n0\r\n\r\n`,
      code: 'HPE_',
    },
  ])('fails $name as invalid_response', async ({ answer, code }) => {
    const server = await servers.raw((socket) => socket.end(answer));
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail?.startsWith(code)).toBe(true);
  });

  it('fails a storm of interim 1xx answers without waiting for the deadline', async () => {
    const timeoutMs = 5_000;
    const server = await servers.raw((socket, tools) => {
      tools.every(5, () => void socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n'));
    });
    const result = await probe({ url: server.url('/health') }, { timeoutMs });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail).toBe('more than 10 interim (1xx) responses');
    expectWithinBound(result, timeoutMs);
  });

  it('accepts a few interim answers before the final one', async () => {
    const early = 'HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n';
    const final = `${rawHead('HTTP/1.1 200 OK', { 'content-length': 2 })}OK`;
    const server = await servers.raw((socket) => socket.end(early.repeat(3) + final));
    expect((await probe({ url: server.url('/health') })).ok).toBe(true);
  });

  it('fails a switch of protocols nobody asked for', async () => {
    const server = await servers.raw((socket) => {
      socket.write(rawHead('HTTP/1.1 101 Switching Protocols', { upgrade: 'websocket', connection: 'upgrade' }));
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail).toContain('switched protocols (101)');
  });

  it('ends a server that dribbles its headers one byte at a time at the deadline', async () => {
    const timeoutMs = 300;
    const head = rawHead('HTTP/1.1 200 OK', { 'content-type': 'application/json', 'x-slow': 'x'.repeat(1000) });
    const server = await servers.raw((socket, tools) => {
      let sent = 0;
      tools.every(20, () => {
        socket.write(head[sent % head.length]!);
        sent += 1;
      });
    });
    const result = await probe({ url: server.url('/health') }, { timeoutMs, retries: 1 });
    expect(result.attempts.map((attempt) => attempt.error)).toEqual(['timeout', 'timeout']);
    expect(result.attempts[0]?.remote_address).toBe('127.0.0.1');
    expectWithinBound(result, timeoutMs);
  });
});

describe('probeTarget: TLS', () => {
  const certificates = createTestCertificates();

  it.each([
    { name: '127.0.0.1', host: '127.0.0.1' },
    { name: 'localhost', host: 'localhost' },
  ])('passes a service whose certificate for $name chains to the trusted CA', async ({ host }) => {
    const server = await servers.http(healthyService('1.4.2'), { tls: certificates.localhost });
    const result = await probe(
      { url: `https://${host}:${server.port}/health` },
      { trustedCaPem: certificates.caPem, expectedVersion: '1.4.2' },
    );
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.remote_address).toBe('127.0.0.1');
  });

  it.each([
    {
      name: 'a self-signed certificate',
      cert: 'selfSigned' as const,
      trusted: false,
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    },
    {
      name: 'a self-signed certificate beside a trusted CA',
      cert: 'selfSigned' as const,
      trusted: true,
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    },
    {
      name: 'a CA the system does not trust',
      cert: 'localhost' as const,
      trusted: false,
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    },
    {
      name: 'a certificate for another host',
      cert: 'wrongHost' as const,
      trusted: true,
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  ])('fails $name as tls', async ({ cert, trusted, code }) => {
    const server = await servers.http(healthyService('1.4.2'), { tls: certificates[cert] });
    const result = await probe({ url: server.url('/health') }, trusted ? { trustedCaPem: certificates.caPem } : {});
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toBe('tls');
    expect(result.attempts[0]?.error_detail).toMatch(new RegExp(`^${code}: `));
    expect(server.hits.size).toBe(0);
  });

  it('keeps the address guard in front of TLS: a refused https target never starts a handshake', async () => {
    const server = await servers.http(healthyService('1.4.2'), { tls: certificates.localhost });
    const result = await probe(
      { url: server.url('/health') },
      { trustedCaPem: certificates.caPem, addressPolicy: lambdaAddressPolicy(undefined) },
    );
    expect(result.attempts[0]?.error).toBe('address_refused');
    expect(server.hits.size).toBe(0);
  });
});

describe('probeTarget: nothing left open', () => {
  it('leaves no socket or timer behind after hostile answers', async () => {
    const before = openHandles();
    const hang = await startLoopbackServer(() => undefined);
    const drip = await startLoopbackServer((_request, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write('x'), 10);
      response.on('close', () => clearInterval(timer));
    });
    await Promise.all([
      probe({ url: hang.url('/health') }, { timeoutMs: 150, retries: 1 }),
      probe({ url: drip.url('/health') }, { timeoutMs: 150 }),
      probe({ url: drip.url('/health') }, { timeoutMs: 150, maxBodyBytes: 1024 }),
      probe({ url: 'http://169.254.169.254/' }),
    ]);
    await Promise.all([hang.close(), drip.close()]);
    // Closed handles leave the list a loop turn or two after their close callbacks: wait for that, boundedly.
    const leftOver = (): Array<[string, number]> =>
      Object.entries(openHandles()).filter(([kind, count]) => count > (before[kind] ?? 0));
    for (let turn = 0; turn < 50 && leftOver().length > 0; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(leftOver()).toEqual([]);
  });
});

/** Sockets and timers this process holds, by kind. */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (/TCP|Timeout|TLS/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
