// Real node:http(s) servers on 127.0.0.1 for probe, CLI and handler tests. Each test starts its own on a free port
// (or the port it asks for) and closes it after; nothing ever leaves loopback.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface LoopbackServerOptions {
  /** Serve HTTPS with this certificate chain and key (PEM); see test-certificates.ts. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Listen on this port instead of a free one; starting rejects (EADDRINUSE, EACCES) when it cannot. */
  readonly port?: number;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, or `https://…` for a TLS server. */
  readonly origin: string;
  readonly port: number;
  /** `origin + path`. */
  url(path?: string): string;
  /** How many requests each path received. */
  readonly hits: Map<string, number>;
  /** Headers of the last request to each path. */
  readonly lastHeaders: Map<string, IncomingMessage['headers']>;
  close(): Promise<void>;
}

/** Starts a server whose handler sees every request; open sockets are destroyed on close so hung clients end too. */
export async function startLoopbackServer(
  handler: RouteHandler,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const hits = new Map<string, number>();
  const lastHeaders = new Map<string, IncomingMessage['headers']>();
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastHeaders.set(path, request.headers);
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A failed TLS handshake is the client's verdict on the certificate, not a server problem.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (path = '/') => `${origin}${path}`,
    hits,
    lastHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** A service answering `/health` with `{"status":"ok","version":…}` and `/version` with the bare version. */
export function healthyService(version: string): RouteHandler {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/version') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`${version}\n`);
      return;
    }
    sendJson(response, 200, { status: 'ok', version });
  };
}

/** A service that answers every request with a fixed status and JSON body. */
export function fixedService(status: number, body: unknown): RouteHandler {
  return (_request, response) => sendJson(response, status, body);
}

/** A port on 127.0.0.1 with nothing listening (bound, read, then closed). */
export async function closedPort(): Promise<number> {
  const probe = await startLoopbackServer(() => undefined);
  const { port } = probe;
  await probe.close();
  return port;
}
