// Child script run by runInNetworkNamespace: probes the cases it reads as JSON on stdin and prints the results as one
// JSON line. It starts a healthy service on 127.0.0.1 inside the namespace first; `{port}` in a case's URL is its port,
// and its `/redirect?to=URL` answers 302 to URL.

import { createRedactor } from '../../lambda/core/secrets/redact.ts';
import {
  CLI_ADDRESS_POLICY,
  lambdaAddressPolicy,
  probeTarget,
  type AddressPolicy,
  type TargetResult,
} from '../../lambda/core/probe/probe.ts';
import { healthyService, startLoopbackServer } from './loopback-server.ts';

export interface NamespacedCase {
  readonly name: string;
  readonly url: string;
  readonly policy: 'cli' | 'lambda';
  readonly allowPrivate?: boolean;
}

const POLICIES: Readonly<Record<NamespacedCase['policy'], AddressPolicy>> = {
  cli: CLI_ADDRESS_POLICY,
  lambda: lambdaAddressPolicy('127.0.0.1:9001'),
};

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const { cases } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { cases: NamespacedCase[] };

const healthy = healthyService('1.4.2');
const server = await startLoopbackServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const to = url.searchParams.get('to');
  if (url.pathname === '/redirect' && to !== null) {
    response.writeHead(302, { location: to });
    response.end();
    return;
  }
  return healthy(request, response);
});
const results: Record<string, TargetResult> = {};
try {
  for (const { name, url, policy, allowPrivate } of cases) {
    const target = { url: url.replaceAll('{port}', String(server.port)), ...(allowPrivate ? { allowPrivate } : {}) };
    const settings = {
      timeoutMs: 2_000,
      retries: 0,
      backoffMs: 0,
      maxBodyBytes: 64 * 1024,
      expectedVersion: undefined,
    };
    results[name] = await probeTarget(target, {}, { ...settings, addressPolicy: POLICIES[policy] }, createRedactor());
  }
} finally {
  await server.close();
}
process.stdout.write(`${JSON.stringify({ results })}\n`);
