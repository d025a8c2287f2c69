// Bodies as the probe reads them: compressed bodies decoded here and capped on DECODED bytes (bombs stop at the cap
// with flat memory), encodings it cannot decode named, truncation named, and JSON that does not parse failing.

import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CAP,
  compressionBomb,
  expectWithinBound,
  ONE_CHUNK,
  probe,
  useProbeServers,
  type BombEncoding,
} from '../../../support/probe-harness.ts';
import { rawHead } from '../../../support/raw-socket-server.ts';

const servers = useProbeServers();
const BOMB_BYTES = 64 * 1024 * 1024;
const HEALTHY = JSON.stringify({ status: 'ok', version: '1.4.2' });

/**
 * Serves `body` with `content-encoding` and its length declared: a bomb's compressed length is under the cap, which a
 * cap on wire bytes alone would let through whole.
 */
function encodedService(encoding: string, body: Buffer) {
  return servers.http((_request, response) => {
    const headers = { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': body.length };
    response.writeHead(200, headers);
    response.end(body);
  });
}

describe('probeTarget: compressed bodies', () => {
  it.each<{ encoding: BombEncoding; header: string }>([
    { encoding: 'gzip', header: 'gzip' },
    { encoding: 'br', header: 'br' },
    { encoding: 'deflate', header: 'deflate' },
    { encoding: 'deflate-raw', header: 'deflate' },
  ])('stops a $encoding bomb (64 MiB of zeros) at the decoded cap with flat memory', async ({ encoding, header }) => {
    const bomb = compressionBomb(encoding, BOMB_BYTES);
    const server = await encodedService(header, bomb);
    const timeoutMs = 5_000;

    const result = await probe({ url: server.url('/health') }, { timeoutMs });

    const attempt = result.attempts[0]!;
    expect(attempt.error).toBe('body_too_large');
    expect(attempt.error_detail).toMatch(
      new RegExp(`^body over ${CAP} bytes decoded \\(${header}\\): stopped after \\d+ decoded from \\d+ received$`),
    );
    // Decoding stopped one chunk past the cap: never the 64 MiB the body holds.
    expect(attempt.body_bytes).toBeGreaterThan(CAP);
    expect(attempt.body_bytes).toBeLessThanOrEqual(CAP + ONE_CHUNK);
    expect(attempt.wire_bytes).toBeLessThanOrEqual(bomb.length);
    expect(attempt.body_excerpt).toBeUndefined();
    expectWithinBound(result, timeoutMs);
  });

  it.each([
    { encoding: 'gzip', compress: gzipSync },
    { encoding: 'x-gzip', compress: gzipSync },
    { encoding: 'br', compress: brotliCompressSync },
    { encoding: 'deflate', compress: deflateSync },
    { name: 'raw deflate', encoding: 'deflate', compress: deflateRawSync },
  ])('decodes a healthy $encoding body and records decoded and received sizes', async ({ encoding, compress }) => {
    const compressed = compress(Buffer.from(HEALTHY));
    const server = await encodedService(encoding, compressed);
    const result = await probe({ url: server.url('/health') }, { expectedVersion: '1.4.2' });
    expect(result.ok).toBe(true);
    expect(result.version).toBe('1.4.2');
    expect(result.attempts[0]).toMatchObject({
      body_bytes: HEALTHY.length,
      wire_bytes: compressed.length,
      body_excerpt: HEALTHY,
    });
  });

  it('accepts a gzip body that decodes to exactly the cap', async () => {
    const body = `{"status":"ok","pad":"${'p'.repeat(CAP - 24)}"}`;
    const server = await encodedService('gzip', gzipSync(body));
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.body_bytes).toBe(CAP);
  });

  it('asks for the encodings it decodes', async () => {
    const server = await servers.http((_request, response) => void response.end('OK'));
    await probe({ url: server.url('/health') });
    expect(server.lastHeaders.get('/health')?.['accept-encoding']).toBe('gzip, deflate, br');
  });

  it.each([
    { encoding: 'zstd', detail: 'content encoding "zstd" is not supported (gzip, deflate, br are)' },
    { encoding: 'compress', detail: 'content encoding "compress" is not supported (gzip, deflate, br are)' },
    {
      encoding: 'gzip, br',
      detail: 'stacked content encodings "gzip, br" are not decoded; send one encoding',
    },
  ])('names the encoding of a $encoding body it cannot decode', async ({ encoding, detail }) => {
    const server = await encodedService(encoding, Buffer.from('whatever'));
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.reason).toBe(`[CONNECTED] invalid_response (${detail})`);
  });

  it('reads identity as no encoding at all', async () => {
    const server = await encodedService('identity', Buffer.from(HEALTHY));
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(true);
    expect(result.attempts[0]?.wire_bytes).toBeUndefined();
  });

  it('fails a gzip body that does not decode, naming the decoder error', async () => {
    const server = await encodedService('gzip', Buffer.from('this is not gzip at all'));
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail).toBe('gzip body does not decode: incorrect header check');
  });

  it('fails a gzip body cut short by the connection closing', async () => {
    const cut = gzipSync(Buffer.from(HEALTHY.repeat(50))).subarray(0, 30);
    const server = await servers.raw((socket) => {
      socket.end(Buffer.concat([Buffer.from(rawHead('HTTP/1.0 200 OK', { 'content-encoding': 'gzip' })), cut]));
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.attempts[0]?.error).toBe('invalid_response');
    expect(result.attempts[0]?.error_detail).toBe('gzip body is truncated: unexpected end of file');
  });
});

describe('probeTarget: JSON bodies that do not parse', () => {
  it('fails a truncated JSON body served with a matching content-length, saying what it saw', async () => {
    const body = '{"status":"degraded",';
    const server = await servers.http((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.http_status).toBe(200);
    expect(result.reason).toBe('[BODY] is not valid JSON: Expected double-quoted property name in JSON at position 21');
    expect(result.attempts[0]?.body_excerpt).toBe(body);
  });

  it('fails an HTTP/1.0 answer whose connection closes mid-JSON', async () => {
    const server = await servers.raw((socket) => {
      socket.end(`${rawHead('HTTP/1.0 200 OK', { 'content-type': 'application/json' })}{"status":"ok","version":`);
    });
    const result = await probe({ url: server.url('/health') }, { retries: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts.map((attempt) => attempt.http_status)).toEqual([200, 200]);
    expect(result.reason).toBe('[BODY] is not valid JSON: Unexpected end of JSON input');
  });

  it('fails a bare word served as application/json', async () => {
    const server = await servers.http((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('OK');
    });
    const result = await probe({ url: server.url('/health') });
    expect(result.reason).toBe("[BODY] is not valid JSON: Unexpected token 'O'");
  });

  it.each([
    { name: 'a plain OK', body: 'OK\n', version: undefined },
    { name: 'a bare version line', body: 'v1.4.2\n', version: '1.4.2' },
  ])('keeps passing $name served as text', async ({ body, version }) => {
    const server = await servers.http((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(body);
    });
    const result = await probe({ url: server.url('/version') }, { expectedVersion: version });
    expect(result.ok).toBe(true);
    expect(result.expectations.map((expectation) => expectation.name)).not.toContain('health_body');
  });
});
