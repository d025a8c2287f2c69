// One request of an attempt: guard the address, send one GET over node:http(s) on a connection of its own, and report
// a redirect, an answer with its decoded body, or a named failure. Never throws; every path destroys the socket.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { classifyProbeError, type ProbeErrorKind } from './probe-error.ts';
import { readDecodedBody, type BodyRead, type BodyReader } from './decoded-body.ts';
import { guardedLookup } from './guarded-lookup.ts';

/** Response headers beyond this are `invalid_response` (node's parser stops at HPE_HEADER_OVERFLOW). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Interim 1xx responses accepted before the final one; a server sending more is stalling, not answering. */
export const MAX_INFORMATIONAL_RESPONSES = 10;
export const TIMEOUT_DETAIL = 'no complete answer in time';

export interface ExchangeRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxBodyBytes: number;
  /** The attempt's deadline: when it aborts, the exchange ends as `timeout`. */
  readonly deadline: AbortSignal;
  /** Why a connection from `host` to `address` is refused, or undefined when it may go ahead. */
  readonly refusalOf: (host: string, address: string) => string | undefined;
  /** PEM certificates trusted instead of the system's; set only by tests (runGate never does). */
  readonly trustedCaPem?: string;
}

interface Reached {
  /** The IP the connection actually reached, when it connected. */
  readonly remoteAddress?: string;
}

export type ExchangeOutcome = Reached &
  (
    | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
    | { readonly kind: 'answered'; readonly status: number; readonly contentType?: string; readonly body: BodyRead }
    | {
        readonly kind: 'failed';
        readonly error: ProbeErrorKind;
        readonly detail: string;
        readonly status?: number;
        readonly body?: BodyRead;
      }
  );

export function exchange(request: ExchangeRequest): Promise<ExchangeOutcome> {
  const { url, deadline } = request;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // net connects to an IP literal without a lookup, so the guard checks literals here, before any socket exists.
  const literalRefusal = isIP(host) ? request.refusalOf(host, host) : undefined;
  if (literalRefusal !== undefined) {
    return Promise.resolve({ kind: 'failed', error: 'address_refused', detail: literalRefusal });
  }
  if (deadline.aborted) return Promise.resolve({ kind: 'failed', error: 'timeout', detail: TIMEOUT_DETAIL });

  return new Promise((resolve) => {
    let settled = false;
    let status: number | undefined;
    let remoteAddress: string | undefined;
    let body: BodyReader | undefined;
    let informational = 0;
    let client: ClientRequest | undefined;

    const finish = (outcome: ExchangeOutcome): void => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      remoteAddress ??= client?.socket?.remoteAddress;
      body?.cancel();
      client?.destroy();
      resolve(remoteAddress === undefined ? outcome : { ...outcome, remoteAddress });
    };
    const failed = (error: ProbeErrorKind, detail: string, read?: BodyRead): ExchangeOutcome => ({
      kind: 'failed',
      error,
      detail,
      ...(status !== undefined ? { status } : {}),
      ...(read !== undefined ? { body: read } : {}),
    });
    const onDeadline = (): void => finish(failed('timeout', TIMEOUT_DETAIL));
    const onResponse = (response: IncomingMessage): void => {
      const answered = response.statusCode ?? 0;
      status = answered;
      remoteAddress = response.socket.remoteAddress;
      const location = response.headers.location;
      if (answered >= 300 && answered < 400 && location !== undefined) {
        finish({ kind: 'redirect', status: answered, location });
        return;
      }
      const contentType = response.headers['content-type'];
      body = readDecodedBody(response, request.maxBodyBytes);
      void body.done.then((read) => {
        if (read.failure !== undefined) finish(failed(read.failure.kind, read.failure.detail, read));
        else finish({ kind: 'answered', status: answered, body: read, ...(contentType ? { contentType } : {}) });
      });
    };

    try {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      client = send({
        protocol: url.protocol,
        hostname: host,
        ...(url.port !== '' ? { port: Number(url.port) } : {}),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: request.headers,
        // A connection per request: nothing pooled outlives the attempt, and every connect passes the guard.
        agent: false,
        lookup: guardedLookup(request.refusalOf),
        maxHeaderSize: MAX_HEADER_BYTES,
        ...(request.trustedCaPem !== undefined ? { ca: request.trustedCaPem } : {}),
      });
    } catch (error) {
      const classified = classifyProbeError(error);
      finish(failed(classified.kind, classified.detail));
      return;
    }
    deadline.addEventListener('abort', onDeadline, { once: true });
    client.on('error', (error) => {
      const classified = classifyProbeError(error);
      finish(failed(classified.kind, classified.detail));
    });
    client.on('information', () => {
      informational += 1;
      if (informational > MAX_INFORMATIONAL_RESPONSES) {
        finish(failed('invalid_response', `more than ${MAX_INFORMATIONAL_RESPONSES} interim (1xx) responses`));
      }
    });
    client.on('upgrade', (_response, socket) => {
      socket.destroy();
      finish(failed('invalid_response', 'the server switched protocols (101) to a request that asked for none'));
    });
    client.on('response', onResponse);
    client.end();
  });
}
