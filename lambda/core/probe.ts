// The I/O half of a check: fetch one target with a per-attempt timeout, follow at most five redirects by hand, read
// at most the body cap, and judge each attempt with the pure expectations. Retries until an attempt is healthy or the
// attempts run out. Nothing here decides the gate; it reports what it saw.

import { MAX_REDIRECTS, type TargetConfig } from './config-schema.ts';
import {
  evaluateExpectations,
  failureReason,
  readHealthBody,
  type ExpectationResult,
  type Observation,
} from './expectations.ts';
import { classifyProbeError, type ProbeErrorKind } from './probe-error.ts';
import type { Redactor } from './redact.ts';

const USER_AGENT = 'rollgate-health-gate/1';
const BODY_EXCERPT_CHARS = 256;
/** Redaction reads this much of the body: enough that a secret crossing the excerpt's end is still recognised. */
const BODY_REDACTION_WINDOW = 4096;
const utf8 = new TextDecoder();

export interface ProbeSettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBodyBytes: number;
  readonly expectedVersion: string | undefined;
}

export interface ProbeAttempt {
  readonly attempt: number;
  readonly latency_ms: number;
  readonly http_status?: number;
  readonly error?: ProbeErrorKind;
  readonly error_detail?: string;
  /** Redirect hops followed, redacted. */
  readonly redirects?: readonly string[];
  readonly body_bytes?: number;
  /** The first characters of the body, redacted, so an operator sees what the service said. */
  readonly body_excerpt?: string;
  readonly version?: string;
  readonly ok: boolean;
  readonly expectations: readonly ExpectationResult[];
}

export interface TargetResult {
  readonly name?: string;
  /** Redacted URL. */
  readonly url: string;
  readonly ok: boolean;
  /** Why the target failed: the failing conditions of its last attempt. */
  readonly reason?: string;
  /** The version the service reported on its last answering attempt. */
  readonly version?: string;
  readonly expected_version?: string;
  /** Names of the headers sent; values are never recorded. */
  readonly header_names?: readonly string[];
  readonly attempts: readonly ProbeAttempt[];
  /** Expectation results of the deciding (last) attempt. */
  readonly expectations: readonly ExpectationResult[];
}

/** Probes one target: up to `retries + 1` attempts, stopping at the first healthy one. */
export async function probeTarget(
  target: TargetConfig,
  headers: Readonly<Record<string, string>>,
  settings: ProbeSettings,
  redactor: Redactor,
): Promise<TargetResult> {
  const attempts: ProbeAttempt[] = [];
  const wantedVersion = target.expect?.version ?? settings.expectedVersion;
  for (let attempt = 1; attempt <= settings.retries + 1; attempt += 1) {
    if (attempt > 1 && settings.backoffMs > 0) await delay(settings.backoffMs);
    const seen = await observeOnce(target.url, headers, settings);
    const { redirects, bodyBytes } = seen;
    const health = readHealthBody(seen.observation.body);
    const observation: Observation = { ...seen.observation, health };
    // Conditions quote what was seen (error details, body fields): redact them like everything else recorded.
    const expectations = evaluateExpectations(observation, target.expect, settings.expectedVersion).map((result) => ({
      ...result,
      observed: redactor.text(result.observed),
      condition: redactor.text(result.condition),
    }));
    const ok = expectations.every((result) => result.ok);
    const version = health.version;
    attempts.push({
      attempt,
      latency_ms: observation.latencyMs,
      ...(observation.httpStatus !== undefined ? { http_status: observation.httpStatus } : {}),
      ...(observation.error !== undefined
        ? { error: observation.error as ProbeErrorKind, error_detail: redactor.text(observation.errorDetail ?? '') }
        : {}),
      ...(redirects.length > 0 ? { redirects: redirects.map((hop) => redactor.url(hop)) } : {}),
      ...(bodyBytes !== undefined ? { body_bytes: bodyBytes } : {}),
      // Redact before cutting: a secret straddling the cut would otherwise leave its first characters behind.
      ...(observation.body
        ? { body_excerpt: redactor.text(observation.body.slice(0, BODY_REDACTION_WINDOW)).slice(0, BODY_EXCERPT_CHARS) }
        : {}),
      ...(version !== undefined ? { version: redactor.text(version) } : {}),
      ok,
      expectations,
    });
    if (ok) break;
  }
  const last = attempts[attempts.length - 1]!;
  const lastVersion = [...attempts].reverse().find((a) => a.version !== undefined)?.version;
  const reason = failureReason(last.expectations);
  const headerNames = Object.keys(headers);
  return {
    ...(target.name !== undefined ? { name: target.name } : {}),
    url: redactor.url(target.url),
    ok: last.ok,
    ...(reason !== undefined ? { reason: redactor.text(reason) } : {}),
    ...(lastVersion !== undefined ? { version: lastVersion } : {}),
    ...(wantedVersion !== undefined ? { expected_version: wantedVersion } : {}),
    ...(headerNames.length > 0 ? { header_names: headerNames } : {}),
    attempts,
    expectations: last.expectations,
  };
}

interface AttemptRecord {
  readonly observation: Observation;
  readonly redirects: string[];
  readonly bodyBytes?: number;
}

/** One attempt, redirects and body included, bounded by one timeout. Never throws. */
async function observeOnce(
  url: string,
  targetHeaders: Readonly<Record<string, string>>,
  settings: ProbeSettings,
): Promise<AttemptRecord> {
  const started = performance.now();
  let headers = targetHeaders;
  // One deadline for connect, headers, redirects and body. A plain timer cleared when the attempt ends, rather than
  // AbortSignal.timeout, whose timer lingers (and later builds an exception) for every probe of a large gate.
  const controller = new AbortController();
  const deadline = setTimeout(
    () => controller.abort(new DOMException(`no complete answer within ${settings.timeoutMs} ms`, 'TimeoutError')),
    settings.timeoutMs,
  );
  const signal = controller.signal;
  const redirects: string[] = [];
  const elapsed = (): number => Math.round(performance.now() - started);
  const failed = (error: ProbeErrorKind, errorDetail: string, extra: Partial<Observation> = {}): AttemptRecord => ({
    observation: { error, errorDetail, latencyMs: elapsed(), ...extra },
    redirects,
  });

  let current = new URL(url);
  // fetch refuses URLs with userinfo; send it as Basic auth, as curl does, to the target's own origin only.
  const userinfoAuth = basicAuthOf(current);
  if (userinfoAuth !== undefined) {
    current.username = '';
    current.password = '';
  }
  if (userinfoAuth !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    headers = { ...headers, authorization: userinfoAuth };
  }
  const origin = current.origin;
  const visited = new Set<string>([current.href]);
  try {
    for (;;) {
      // Configured headers may carry credentials: they go to the target's own origin only.
      const sendHeaders = current.origin === origin ? headers : {};
      const response = await fetch(current.href, {
        method: 'GET',
        redirect: 'manual',
        signal,
        headers: {
          'user-agent': USER_AGENT,
          accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
          'cache-control': 'no-cache',
          ...sendHeaders,
        },
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel().catch(() => undefined);
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return failed('bad_redirect', `unparseable Location ${JSON.stringify(location.slice(0, 100))}`, {
            httpStatus: response.status,
          });
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          return failed('bad_redirect', `redirect to ${next.protocol} is not followed`, {
            httpStatus: response.status,
          });
        }
        redirects.push(next.href);
        if (visited.has(next.href)) {
          return failed('redirect_loop', `redirect back to ${next.href}`, { httpStatus: response.status });
        }
        if (redirects.length > MAX_REDIRECTS) {
          return failed('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`, { httpStatus: response.status });
        }
        visited.add(next.href);
        current = next;
        continue;
      }
      const body = await readCapped(response, settings.maxBodyBytes);
      if (body.tooLarge) {
        return failed('body_too_large', `body over ${settings.maxBodyBytes} bytes`, { httpStatus: response.status });
      }
      return {
        observation: { httpStatus: response.status, latencyMs: elapsed(), body: body.text },
        redirects,
        bodyBytes: body.bytes,
      };
    }
  } catch (error) {
    const classified = classifyProbeError(error);
    return failed(classified.kind, classified.detail);
  } finally {
    clearTimeout(deadline);
  }
}

interface CappedBody {
  readonly text: string;
  readonly bytes: number;
  readonly tooLarge: boolean;
}

/** Reads at most `cap` bytes; a larger body is cancelled at the cap, never buffered beyond it. */
async function readCapped(response: Response, cap: number): Promise<CappedBody> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    return { text: '', bytes: declared, tooLarge: true };
  }
  if (response.body === null) return { text: '', bytes: 0, tooLarge: false };
  // A declared length within the cap is enforced by fetch itself (a longer body is a protocol error): read it whole.
  if (response.headers.has('content-length') && Number.isFinite(declared)) {
    return { text: await response.text(), bytes: declared, tooLarge: false };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > cap) {
      await reader.cancel().catch(() => undefined);
      return { text: '', bytes, tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: utf8.decode(concat(chunks, bytes)), bytes, tooLarge: false };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function basicAuthOf(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const credentials = `${decodeLenient(url.username)}:${decodeLenient(url.password)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** Percent-decodes userinfo; a stray `%` (which URL accepts) is kept as written rather than thrown. */
function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
