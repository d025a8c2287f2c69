// Pure judgement of one observed HTTP attempt, Gatus-style: every expectation records what it saw, what it wanted,
// and a one-line reason such as `[STATUS] 503 in [200-299]`, so evidence explains itself.

import type { Expectations } from '../config/config-schema.ts';
import { VERSION_PATTERN } from '../config/name-patterns.ts';

export const HEALTHY_STATUS_WORDS = ['ok', 'healthy', 'pass', 'up'] as const;
const DEFAULT_STATUS_RANGES = ['200-299'] as const;

export type ExpectationName =
  | 'connected'
  | 'status'
  | 'health_body'
  | 'health_status'
  | 'version'
  | 'latency'
  | 'body_contains';

export interface ExpectationResult {
  readonly name: ExpectationName;
  readonly ok: boolean;
  readonly observed: string;
  readonly expected: string;
  /** `[STATUS] 503 in [200-299]`: the check as it was evaluated, readable on its own. */
  readonly condition: string;
}

/** What one attempt saw on the wire; produced by the probe, judged here. */
export interface Observation {
  readonly httpStatus?: number;
  /** Transport-level failure kind (`timeout`, `connection_refused`, ...): nothing to judge beyond it. */
  readonly error?: string;
  readonly errorDetail?: string;
  readonly latencyMs: number;
  /** Body text, at most the configured cap. */
  readonly body?: string;
  /** The response's Content-Type header: a JSON type makes the body JSON whatever it starts with. */
  readonly contentType?: string;
  /** The body's health fields, when the probe already read them (parsed once per attempt). */
  readonly health?: HealthBody;
}

/** Fields read from a health body: `{"status":"ok","version":"v1.2.3"}`, or a bare version line from `/version`. */
export interface HealthBody {
  readonly status?: string;
  readonly version?: string;
  /** Present when the body is JSON (by its content type, or by starting with `{` or `[`): whether it parsed. */
  readonly json?: JsonReading;
}

export type JsonReading = { readonly valid: true } | { readonly valid: false; readonly problem: string };

const VALID_JSON: JsonReading = { valid: true };
const JSON_PROBLEM_CHARS = 120;

/**
 * Reads the health fields of a body. A body that is JSON by its content type or its first character must parse: a
 * truncated `{"status":"degraded",` is reported as invalid JSON, never read as a body without a status.
 */
export function readHealthBody(body: string | undefined, contentType?: string): HealthBody {
  if (body === undefined) return {};
  const trimmed = body.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || isJsonMediaType(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      return { json: { valid: false, problem: jsonProblemOf(error) } };
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      return {
        ...(typeof record.status === 'string' ? { status: record.status } : {}),
        ...(typeof record.version === 'string' || typeof record.version === 'number'
          ? { version: String(record.version) }
          : {}),
        json: VALID_JSON,
      };
    }
    return { json: VALID_JSON };
  }
  // A /version endpoint answering a bare `v1.4.2` line; a word without digits (`OK`) is a status, not a version.
  if (VERSION_PATTERN.test(trimmed) && /\d/.test(trimmed)) return { version: trimmed };
  return {};
}

/** `application/json`, `text/json` and structured types such as `application/health+json`. */
function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

/**
 * The parser's complaint without the quoted excerpt V8 adds (`Unexpected token '}', "{"a":}" is not valid JSON`): the
 * excerpt is body text cut at an arbitrary point, where a secret's first characters could escape redaction.
 */
function jsonProblemOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '').slice(0, JSON_PROBLEM_CHARS);
}

/** `1.4.2` and `v1.4.2` are the same version; nothing else is normalised. */
export function normalizeVersion(version: string): string {
  return version.trim().replace(/^[vV](?=\d)/, '');
}

export function versionsMatch(observed: string, expected: string): boolean {
  return normalizeVersion(observed) === normalizeVersion(expected);
}

/** Whether an HTTP status is accepted by a list such as `[200, "300-399"]`. */
export function statusAccepted(status: number, accepted: readonly (number | string)[]): boolean {
  return accepted.some((spec) => {
    if (typeof spec === 'number') return status === spec;
    const [low, high] = spec.split('-').map(Number) as [number, number | undefined];
    return high === undefined ? status === low : status >= low && status <= high;
  });
}

/**
 * Judges one attempt against a target's expectations. `expectedVersion` is the gate-wide version, which a target's
 * own `expect.version` overrides. Checks that do not apply (no JSON status field) are left out rather than passed.
 */
export function evaluateExpectations(
  observation: Observation,
  expect: Expectations | undefined,
  expectedVersion: string | undefined,
): ExpectationResult[] {
  if (observation.error !== undefined) {
    return [
      {
        name: 'connected',
        ok: false,
        observed: observation.error,
        expected: 'a complete HTTP response',
        condition: `[CONNECTED] ${observation.error}${observation.errorDetail ? ` (${observation.errorDetail})` : ''}`,
      },
    ];
  }
  const results: ExpectationResult[] = [];
  const status = observation.httpStatus ?? 0;
  const accepted = expect?.status ?? DEFAULT_STATUS_RANGES;
  const acceptedText = `[${accepted.join(', ')}]`;
  results.push({
    name: 'status',
    ok: statusAccepted(status, accepted),
    observed: String(status),
    expected: acceptedText,
    condition: `[STATUS] ${status} in ${acceptedText}`,
  });

  const health = observation.health ?? readHealthBody(observation.body, observation.contentType);
  if (health.json !== undefined) {
    const { json } = health;
    results.push({
      name: 'health_body',
      ok: json.valid,
      observed: json.valid ? 'valid JSON' : json.problem,
      expected: 'valid JSON',
      condition: json.valid ? '[BODY] is valid JSON' : `[BODY] is not valid JSON: ${json.problem}`,
    });
  }
  if ((expect?.healthStatus ?? true) && health.status !== undefined) {
    const ok = (HEALTHY_STATUS_WORDS as readonly string[]).includes(health.status.toLowerCase());
    results.push({
      name: 'health_status',
      ok,
      observed: health.status,
      expected: `one of [${HEALTHY_STATUS_WORDS.join(', ')}]`,
      condition: `[BODY].status ${JSON.stringify(health.status)} in [${HEALTHY_STATUS_WORDS.join(', ')}]`,
    });
  }

  const wantedVersion = expect?.version ?? expectedVersion;
  if (wantedVersion !== undefined) {
    const seen = health.version;
    results.push({
      name: 'version',
      ok: seen !== undefined && versionsMatch(seen, wantedVersion),
      observed: seen ?? '(none)',
      expected: wantedVersion,
      condition: `[BODY].version ${seen === undefined ? '(missing)' : JSON.stringify(seen)} == ${JSON.stringify(wantedVersion)}`,
    });
  }

  if (expect?.maxLatencyMs !== undefined) {
    results.push({
      name: 'latency',
      ok: observation.latencyMs <= expect.maxLatencyMs,
      observed: `${observation.latencyMs}ms`,
      expected: `<= ${expect.maxLatencyMs}ms`,
      condition: `[RESPONSE_TIME] ${observation.latencyMs}ms <= ${expect.maxLatencyMs}ms`,
    });
  }

  if (expect?.bodyContains !== undefined) {
    const found = (observation.body ?? '').includes(expect.bodyContains);
    results.push({
      name: 'body_contains',
      ok: found,
      observed: found ? 'found' : 'not found',
      expected: JSON.stringify(expect.bodyContains),
      condition: `[BODY] contains ${JSON.stringify(expect.bodyContains)}: ${found ? 'found' : 'not found'}`,
    });
  }
  return results;
}

/** The one-line reason a failed attempt gives: its failing conditions joined. */
export function failureReason(results: readonly ExpectationResult[]): string | undefined {
  const failing = results.filter((result) => !result.ok);
  return failing.length === 0 ? undefined : failing.map((result) => result.condition).join('; ');
}
