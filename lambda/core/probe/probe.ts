// The I/O half of a check: probe one target attempt by attempt (probe/observe-attempt.ts does one attempt over
// node:http, behind the address guard, with decoded bodies capped), and judge each attempt with the pure expectations.
// Retries until an attempt is healthy or the attempts run out. Nothing here decides the gate; it reports what it saw.

import type { TargetConfig } from '../config/config-schema.ts';
import {
  evaluateExpectations,
  failureReason,
  readHealthBody,
  type ExpectationResult,
  type Observation,
} from './expectations.ts';
import { CLI_ADDRESS_POLICY, type AddressPolicy } from './address-policy.ts';
import { observeAttempt } from './observe-attempt.ts';
import type { ProbeErrorKind } from './probe-error.ts';
import type { Redactor } from '../secrets/redact.ts';
import { sleep } from '../sleep.ts';

export { CLI_ADDRESS_POLICY, lambdaAddressPolicy, type AddressPolicy } from './address-policy.ts';

const BODY_EXCERPT_CHARS = 256;
/** Redaction reads this much of the body: enough that a secret crossing the excerpt's end is still recognised. */
const BODY_REDACTION_WINDOW = 4096;

export interface ProbeSettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBodyBytes: number;
  readonly expectedVersion: string | undefined;
  /** Which addresses may be connected to; the shell chooses it, never config or events. @default CLI_ADDRESS_POLICY */
  readonly addressPolicy?: AddressPolicy;
  /** PEM certificates trusted instead of the system's. For tests only: runGate never sets it. */
  readonly trustedCaPem?: string;
  /** Aborted when the run is interrupted: the attempt in flight ends at once and no other starts. */
  readonly interrupt?: AbortSignal;
}

export interface ProbeAttempt {
  readonly attempt: number;
  readonly latency_ms: number;
  readonly http_status?: number;
  readonly error?: ProbeErrorKind;
  readonly error_detail?: string;
  /** Redirect hops followed, redacted. */
  readonly redirects?: readonly string[];
  /** Body bytes after decoding (up to where reading stopped). */
  readonly body_bytes?: number;
  /** Body bytes received on the wire, when the body was compressed. */
  readonly wire_bytes?: number;
  /** The IP address the attempt's last request reached, so evidence says where the answer came from. */
  readonly remote_address?: string;
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
    if (attempt > 1 && settings.backoffMs > 0) await sleep(settings.backoffMs, settings.interrupt);
    // An interrupted run is not judged: one attempt, cut short, is all it records.
    if (attempt > 1 && settings.interrupt?.aborted === true) break;
    const seen = await observeAttempt(target.url, headers, {
      timeoutMs: settings.timeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      addressPolicy: settings.addressPolicy ?? CLI_ADDRESS_POLICY,
      allowPrivate: target.allowPrivate ?? false,
      ...(settings.trustedCaPem !== undefined ? { trustedCaPem: settings.trustedCaPem } : {}),
      ...(settings.interrupt !== undefined ? { interrupt: settings.interrupt } : {}),
    });
    const { redirects, bodyBytes, wireBytes, remoteAddress } = seen;
    const health = readHealthBody(seen.observation.body, seen.observation.contentType);
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
      ...(wireBytes !== undefined ? { wire_bytes: wireBytes } : {}),
      ...(remoteAddress !== undefined ? { remote_address: remoteAddress } : {}),
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
