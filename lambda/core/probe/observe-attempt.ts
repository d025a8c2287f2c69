// One attempt at a target: its requests and redirects under one deadline that covers connect, headers, every hop and
// the body. Redirects are followed by hand, each hop through the address guard, with configured headers kept to the
// target's own origin. Reports what it saw; never throws.

import { MAX_REDIRECTS } from '../config/config-schema.ts';
import type { Observation } from './expectations.ts';
import type { ProbeErrorKind } from './probe-error.ts';
import { addressRefusal, type AddressPolicy } from './address-policy.ts';
import { exchange, type ExchangeOutcome } from './http-exchange.ts';
import { basicCredentialsOf } from '../secrets/basic-credentials.ts';

const USER_AGENT = 'rollgate-health-gate/1';
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': USER_AGENT,
  accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
  'accept-encoding': 'gzip, deflate, br',
  'cache-control': 'no-cache',
};

export interface AttemptSettings {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly addressPolicy: AddressPolicy;
  /** The target's `allowPrivate`. */
  readonly allowPrivate: boolean;
  readonly trustedCaPem?: string;
  /** Ends the attempt at once, like its deadline, when the run is interrupted. */
  readonly interrupt?: AbortSignal;
}

export interface AttemptRecord {
  readonly observation: Observation;
  readonly redirects: readonly string[];
  /** Decoded body bytes read (up to where reading stopped). */
  readonly bodyBytes?: number;
  /** Body bytes received, when the body was compressed. */
  readonly wireBytes?: number;
  /** The IP the last request reached. */
  readonly remoteAddress?: string;
}

export async function observeAttempt(
  url: string,
  targetHeaders: Readonly<Record<string, string>>,
  settings: AttemptSettings,
): Promise<AttemptRecord> {
  const started = performance.now();
  // A plain timer cleared when the attempt ends, rather than AbortSignal.timeout, whose timer lingers for every probe
  // of a large gate.
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), settings.timeoutMs);
  const interrupted = (): void => controller.abort();
  if (settings.interrupt?.aborted === true) controller.abort();
  else settings.interrupt?.addEventListener('abort', interrupted, { once: true });
  const redirects: string[] = [];
  const elapsed = (): number => Math.round(performance.now() - started);
  const failed = (error: ProbeErrorKind, errorDetail: string, extra: Partial<Observation> = {}): AttemptRecord => ({
    observation: { error, errorDetail, latencyMs: elapsed(), ...extra },
    redirects,
  });

  let current = new URL(url);
  // Userinfo goes as Basic auth, as curl sends it, to the target's own origin only.
  const credentials = basicCredentialsOf(current);
  const userinfoAuth = credentials === undefined ? undefined : `Basic ${credentials}`;
  let headers = targetHeaders;
  if (userinfoAuth !== undefined) {
    current.username = '';
    current.password = '';
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      headers = { ...headers, authorization: userinfoAuth };
    }
  }
  const origin = current.origin;
  const withTargetHeaders = mergeHeaders(BASE_HEADERS, headers);
  const visited = new Set<string>([current.href]);
  try {
    for (;;) {
      const port = Number(current.port || (current.protocol === 'https:' ? 443 : 80));
      const outcome: ExchangeOutcome = await exchange({
        url: current,
        // Configured headers may carry credentials: they go to the target's own origin only.
        headers: current.origin === origin ? withTargetHeaders : BASE_HEADERS,
        maxBodyBytes: settings.maxBodyBytes,
        deadline: controller.signal,
        refusalOf: (host, address) =>
          addressRefusal({ host, address, port, allowPrivate: settings.allowPrivate }, settings.addressPolicy),
        ...(settings.trustedCaPem !== undefined ? { trustedCaPem: settings.trustedCaPem } : {}),
      });
      const reached = outcome.remoteAddress !== undefined ? { remoteAddress: outcome.remoteAddress } : {};
      if (outcome.kind === 'failed') {
        return {
          ...failed(outcome.error, outcome.detail, outcome.status !== undefined ? { httpStatus: outcome.status } : {}),
          ...bodySizes(outcome.body),
          ...reached,
        };
      }
      if (outcome.kind === 'answered') {
        const { body } = outcome;
        return {
          observation: {
            httpStatus: outcome.status,
            latencyMs: elapsed(),
            body: body.text ?? '',
            ...(outcome.contentType !== undefined ? { contentType: outcome.contentType } : {}),
          },
          redirects,
          ...bodySizes(body),
          ...reached,
        };
      }
      const httpStatus = outcome.status;
      let next: URL;
      try {
        next = new URL(outcome.location, current);
      } catch {
        const quoted = JSON.stringify(outcome.location.slice(0, 100));
        return { ...failed('bad_redirect', `unparseable Location ${quoted}`, { httpStatus }), ...reached };
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return {
          ...failed('bad_redirect', `redirect to ${next.protocol} is not followed`, { httpStatus }),
          ...reached,
        };
      }
      redirects.push(next.href);
      if (visited.has(next.href)) {
        return { ...failed('redirect_loop', `redirect back to ${next.href}`, { httpStatus }), ...reached };
      }
      if (redirects.length > MAX_REDIRECTS) {
        return { ...failed('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`, { httpStatus }), ...reached };
      }
      visited.add(next.href);
      current = next;
    }
  } finally {
    clearTimeout(deadline);
    settings.interrupt?.removeEventListener('abort', interrupted);
  }
}

function bodySizes(body: { decodedBytes: number; wireBytes: number; encoding?: string } | undefined) {
  if (body === undefined) return {};
  return { bodyBytes: body.decodedBytes, ...(body.encoding !== undefined ? { wireBytes: body.wireBytes } : {}) };
}

/** The base headers with the configured ones on top; a configured name replaces a base one whatever its case. */
function mergeHeaders(
  base: Readonly<Record<string, string>>,
  configured: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(configured)) {
    delete merged[name.toLowerCase()];
    merged[name] = value;
  }
  return merged;
}
