// The service farm process: node:http servers on 127.0.0.1 answering every path with the health body after a fixed
// delay. Started by service-farm.ts; exits when its parent disconnects or when its lifetime runs out, whichever first.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FARM_HEALTH_BODY, FARM_HOST } from './farm-urls.ts';

export interface FarmServerConfig {
  readonly ports: number;
  readonly delayMs: number;
  readonly maxLifetimeMs: number;
}

/** Longer than any pause in a bench run, so both the gate and the floor always find warm sockets. */
const KEEP_ALIVE_MS = 120_000;
const LISTEN_BACKLOG = 2_048;

const config = JSON.parse(process.argv[2] ?? 'null') as FarmServerConfig | null;
if (config === null || !(config.ports >= 1) || !(config.delayMs >= 0) || !(config.maxLifetimeMs > 0)) {
  process.stderr.write(`service-farm-server: bad config ${process.argv[2] ?? '(none)'}\n`);
  process.exit(2);
}

const body = Buffer.from(FARM_HEALTH_BODY);
const headers = { 'content-type': 'application/json', 'content-length': String(body.byteLength) };

function startServer(): Promise<Server> {
  const server = createServer((_request, response) => {
    setTimeout(() => {
      response.writeHead(200, headers);
      response.end(body);
    }, config!.delayMs);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, FARM_HOST, LISTEN_BACKLOG, () => resolve(server));
  });
}

const servers = await Promise.all(Array.from({ length: config.ports }, startServer));
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), config.maxLifetimeMs).unref();
process.send?.({ type: 'ready', ports: servers.map((server) => (server.address() as AddressInfo).port) });
