// Raw TCP servers on 127.0.0.1 for protocol abuse that node:http would refuse to send: lying lengths, broken status
// lines, header floods, 1xx storms, HTTP/1.0 bodies cut by a close, bytes dripped forever. The handler gets the socket
// once the request head has arrived; every socket and timer is ended on close.

import { createServer, type AddressInfo, type Socket } from 'node:net';

/** Writes the answer; may keep the socket open. Timers it starts must go through `every`, so close stops them. */
export type RawHandler = (socket: Socket, tools: RawTools) => void;

export interface RawTools {
  /** The request head as received (request line and headers). */
  readonly requestHead: string;
  /** Runs `action` every `ms` until the socket closes (or `action` returns false). */
  every(ms: number, action: () => unknown): void;
}

export interface RawServer {
  readonly origin: string;
  readonly port: number;
  url(path?: string): string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

const MAX_REQUEST_HEAD = 64 * 1024;

export async function startRawServer(handler: RawHandler): Promise<RawServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    const timers = new Set<NodeJS.Timeout>();
    socket.on('close', () => {
      sockets.delete(socket);
      for (const timer of timers) clearInterval(timer);
    });
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1 && head.length < MAX_REQUEST_HEAD) return;
      socket.off('data', onData);
      const tools: RawTools = {
        requestHead: head.slice(0, end === -1 ? head.length : end),
        every: (ms, action) => {
          const timer = setInterval(() => {
            if (socket.destroyed || action() === false) {
              clearInterval(timer);
              timers.delete(timer);
            }
          }, ms);
          timers.add(timer);
        },
      };
      handler(socket, tools);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (path = '/') => `${origin}${path}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A status line and headers as raw text: `rawHead('HTTP/1.1 200 OK', { 'content-length': 5 })`. */
export function rawHead(statusLine: string, headers: Readonly<Record<string, string | number>> = {}): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${statusLine}\r\n${lines.join('')}\r\n`;
}
