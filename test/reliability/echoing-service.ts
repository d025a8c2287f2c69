// A hostile service for the leak suite: it echoes whatever credentials a probe sends back where Rollgate records
// them. `/echo` answers 503 with the request's credentials, query values and header values under harmless keys (and
// as its `version`), the credentials first so the body excerpt holds them; `/hop` redirects to `/landing` with the
// same values in the Location's query, and `/landing` echoes like `/echo`. `/ok` is healthy, at version 1.4.1.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteHandler } from '../support/loopback-server.ts';

export interface EchoingService {
  readonly route: RouteHandler;
  /** Every request it received, path, query and headers, for a check of what reached it. */
  readonly received: () => string;
}

export function echoingService(): EchoingService {
  const received: string[] = [];
  const route: RouteHandler = (request, response) => {
    received.push(`${request.url ?? ''}\n${JSON.stringify(request.headers)}`);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/ok') {
      sendJson(response, 200, { status: 'ok', version: '1.4.1' });
      return;
    }
    if (url.pathname === '/hop') {
      const landing = new URLSearchParams({ seen: echoedValues(request, url).join(' ') });
      response.writeHead(302, { location: `/landing?${landing}` });
      response.end();
      return;
    }
    echo(request, url, response);
  };
  return { route, received: () => received.join('\n') };
}

function echo(request: IncomingMessage, url: URL, response: ServerResponse): void {
  const credentials = credentialsOf(request);
  sendJson(response, 503, {
    status: 'down',
    seen: credentials,
    q: [...url.searchParams.values()],
    version: credentials[0] ?? 'none',
    h: Object.values(request.headers),
    path: request.url,
  });
}

/** The Authorization header without its scheme (the bare token or the base64 `user:password`) and API key values. */
function credentialsOf(request: IncomingMessage): string[] {
  const authorization = request.headers.authorization ?? '';
  const apiKey = request.headers['x-api-key'];
  return [authorization.replace(/^\S+\s+/, ''), ...(typeof apiKey === 'string' ? [apiKey] : [])].filter(Boolean);
}

function echoedValues(request: IncomingMessage, url: URL): string[] {
  return [...credentialsOf(request), ...url.searchParams.values()];
}
