// One loopback-server fixture for the probe and gate tests: servers started in a test are closed after it.

import { afterEach } from 'vitest';
import { startLoopbackServer, type LoopbackServer, type RouteHandler } from '../../../support/loopback-server.ts';

/** Registers the cleanup in the calling test file and returns `serve`, which starts a server for the current test. */
export function useLoopbackServers(): (handler: RouteHandler) => Promise<LoopbackServer> {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startLoopbackServer(handler);
    servers.push(server);
    return server;
  };
}
