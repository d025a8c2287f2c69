// What the probe tests and the hostile-endpoint suite share: settings with test defaults, servers (HTTP, HTTPS, raw
// TCP) started for one test and closed after it, compression bombs made once, and the bound every probe must keep.

import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, expect } from 'vitest';
import type { TargetConfig } from '../../lambda/core/config/config-schema.ts';
import { probeTarget, type ProbeSettings, type TargetResult } from '../../lambda/core/probe/probe.ts';
import { createRedactor } from '../../lambda/core/secrets/redact.ts';
import {
  healthyService,
  startLoopbackServer,
  type LoopbackServer,
  type LoopbackServerOptions,
  type RouteHandler,
} from './loopback-server.ts';
import { startRawServer, type RawHandler, type RawServer } from './raw-socket-server.ts';

/** The default body cap, 64 KiB. */
export const CAP = 64 * 1024;
/** A decoder hands over at most this much beyond the cap before it is stopped (zlib's 16 KiB chunks, a socket read). */
export const ONE_CHUNK = 64 * 1024;
/** What a probe may overrun its attempt timeout by: timer and event-loop delay, never a second timeout. */
export const BOUND_SLACK_MS = 250;

/** A healthy answer never waits for the timeout, so a generous one costs nothing; bounded cases set their own. */
export function probeSettings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return { timeoutMs: 2_000, retries: 0, backoffMs: 0, maxBodyBytes: CAP, expectedVersion: undefined, ...overrides };
}

export function probe(
  target: TargetConfig,
  overrides: Partial<ProbeSettings> = {},
  headers: Record<string, string> = {},
): Promise<TargetResult> {
  return probeTarget(target, headers, probeSettings(overrides), createRedactor(Object.values(headers)));
}

/** Every attempt ended within its timeout (plus slack): what "finished within its stated bound" means here. */
export function expectWithinBound(result: TargetResult, timeoutMs: number): void {
  expect(result.attempts.length).toBeGreaterThan(0);
  for (const attempt of result.attempts) expect(attempt.latency_ms).toBeLessThanOrEqual(timeoutMs + BOUND_SLACK_MS);
}

export interface ProbeServers {
  http(handler: RouteHandler, options?: LoopbackServerOptions): Promise<LoopbackServer>;
  raw(handler: RawHandler): Promise<RawServer>;
}

/** Registers the cleanup in the calling test file; servers started in a test are closed after it. */
export function useProbeServers(): ProbeServers {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const started = <T extends { close(): Promise<void> }>(server: T): T => {
    closers.push(() => server.close());
    return server;
  };
  return {
    http: async (handler, options) => started(await startLoopbackServer(handler, options)),
    raw: async (handler) => started(await startRawServer(handler)),
  };
}

/** Ports the fetch standard blocks ("bad ports") on which an ordinary service may still listen. */
export const FETCH_BAD_PORTS = [6000, 5060, 5061, 10080, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 4190, 6566, 3659];

/**
 * Probes a healthy service (version 1.4.2) on the first fetch-bad port free here. When every one is taken, `skip`
 * (the test context's) skips the test, saying so.
 */
export async function probeOnFetchBadPort(skip: (note: string) => never): Promise<TargetResult> {
  for (const port of FETCH_BAD_PORTS) {
    let server: LoopbackServer;
    try {
      server = await startLoopbackServer(healthyService('1.4.2'), { port });
    } catch {
      continue; // Taken, or not ours to bind: try the next.
    }
    try {
      return await probe({ url: server.url('/health') }, { expectedVersion: '1.4.2' });
    } finally {
      await server.close();
    }
  }
  return skip(`every fetch-bad port is taken on this machine: ${FETCH_BAD_PORTS.join(', ')}`);
}

export type BombEncoding = 'gzip' | 'br' | 'deflate' | 'deflate-raw';

const bombs = new Map<string, Buffer>();

/** `decodedBytes` of zeros compressed with `encoding` (64 MiB is about 64 KB gzipped, 100 bytes in brotli). */
export function compressionBomb(encoding: BombEncoding, decodedBytes = 64 * 1024 * 1024): Buffer {
  const key = `${encoding}:${decodedBytes}`;
  const cached = bombs.get(key);
  if (cached) return cached;
  const zeros = Buffer.alloc(decodedBytes);
  const bomb =
    encoding === 'gzip'
      ? gzipSync(zeros, { level: 9 })
      : encoding === 'deflate'
        ? deflateSync(zeros, { level: 9 })
        : encoding === 'deflate-raw'
          ? deflateRawSync(zeros, { level: 9 })
          : brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  bombs.set(key, bomb);
  return bomb;
}
