import { describe, expect, it } from 'vitest';
import type { Expectations } from '../../../../lambda/core/config/config-schema.ts';
import {
  evaluateExpectations,
  failureReason,
  normalizeVersion,
  readHealthBody,
  statusAccepted,
  versionsMatch,
  type ExpectationResult,
  type Observation,
} from '../../../../lambda/core/probe/expectations.ts';

const json = (body: unknown): string => JSON.stringify(body);

function answered(httpStatus: number, body?: string, latencyMs = 12): Observation {
  return { httpStatus, latencyMs, ...(body !== undefined ? { body } : {}) };
}

/** The result of one named expectation, or undefined when it was left out. */
function resultNamed(results: readonly ExpectationResult[], name: string): ExpectationResult | undefined {
  return results.find((result) => result.name === name);
}

describe('evaluateExpectations: status', () => {
  it.each([
    { status: 200, expect: undefined, ok: true, condition: '[STATUS] 200 in [200-299]' },
    { status: 204, expect: undefined, ok: true, condition: '[STATUS] 204 in [200-299]' },
    { status: 299, expect: undefined, ok: true, condition: '[STATUS] 299 in [200-299]' },
    { status: 301, expect: undefined, ok: false, condition: '[STATUS] 301 in [200-299]' },
    { status: 503, expect: undefined, ok: false, condition: '[STATUS] 503 in [200-299]' },
    { status: 503, expect: { status: [200, 503] }, ok: true, condition: '[STATUS] 503 in [200, 503]' },
    { status: 404, expect: { status: [200, '400-403'] }, ok: false, condition: '[STATUS] 404 in [200, 400-403]' },
    { status: 401, expect: { status: ['200-299', '401'] }, ok: true, condition: '[STATUS] 401 in [200-299, 401]' },
    { status: 400, expect: { status: ['400-403'] }, ok: true, condition: '[STATUS] 400 in [400-403]' },
    { status: 403, expect: { status: ['400-403'] }, ok: true, condition: '[STATUS] 403 in [400-403]' },
  ] satisfies Array<{ status: number; expect: Expectations | undefined; ok: boolean; condition: string }>)(
    'judges HTTP $status against $expect.status as ok=$ok',
    ({ status, expect: expectations, ok, condition }) => {
      const results = evaluateExpectations(answered(status, ''), expectations, undefined);
      expect(resultNamed(results, 'status')).toEqual({
        name: 'status',
        ok,
        observed: String(status),
        expected: condition.slice(condition.indexOf(' in ') + 4),
        condition,
      });
    },
  );

  it.each([
    { status: 200, accepted: [200], ok: true },
    { status: 201, accepted: [200], ok: false },
    { status: 250, accepted: ['200-299'], ok: true },
    { status: 300, accepted: ['200-299'], ok: false },
    { status: 418, accepted: ['418'], ok: true },
    { status: 500, accepted: [200, '300-399', 500], ok: true },
  ])('statusAccepted($status, $accepted) is $ok', ({ status, accepted, ok }) => {
    expect(statusAccepted(status, accepted)).toBe(ok);
  });
});

describe('evaluateExpectations: health status in a JSON body', () => {
  it.each([
    { word: 'ok', ok: true },
    { word: 'OK', ok: true },
    { word: 'healthy', ok: true },
    { word: 'Healthy', ok: true },
    { word: 'pass', ok: true },
    { word: 'UP', ok: true },
    { word: 'up', ok: true },
    { word: 'degraded', ok: false },
    { word: 'down', ok: false },
    { word: 'fail', ok: false },
    { word: '', ok: false },
  ])('judges status "$word" as ok=$ok and records it', ({ word, ok }) => {
    const results = evaluateExpectations(answered(200, json({ status: word })), undefined, undefined);
    expect(resultNamed(results, 'health_status')).toEqual({
      name: 'health_status',
      ok,
      observed: word,
      expected: 'one of [ok, healthy, pass, up]',
      condition: `[BODY].status ${JSON.stringify(word)} in [ok, healthy, pass, up]`,
    });
  });

  it.each([
    { name: 'plain text', body: 'OK', names: ['status'] },
    { name: 'HTML', body: '<html><body>status: degraded</body></html>', names: ['status'] },
    { name: 'a JSON array', body: json([{ status: 'degraded' }]), names: ['status', 'health_body'] },
    { name: 'JSON without a status field', body: json({ version: '1.0.0' }), names: ['status', 'health_body'] },
    { name: 'JSON with a non-string status', body: json({ status: 0 }), names: ['status', 'health_body'] },
    { name: 'an empty body', body: '', names: ['status'] },
  ])('leaves the health check out for $name', ({ body, names }) => {
    const results = evaluateExpectations(answered(200, body), undefined, undefined);
    expect(resultNamed(results, 'health_status')).toBeUndefined();
    expect(results.map((result) => result.name)).toEqual(names);
    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('does not check the status field when healthStatus is false', () => {
    const results = evaluateExpectations(
      answered(200, json({ status: 'degraded' })),
      { healthStatus: false },
      undefined,
    );
    expect(results.map((result) => result.name)).toEqual(['status', 'health_body']);
    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('fails a 503 that says it is healthy on the status code alone', () => {
    const results = evaluateExpectations(answered(503, json({ status: 'ok' })), undefined, undefined);
    expect(results.map((result) => [result.name, result.ok])).toEqual([
      ['status', false],
      ['health_body', true],
      ['health_status', true],
    ]);
  });
});

describe('evaluateExpectations: a JSON body must parse', () => {
  it.each([
    { name: 'truncated mid-object', body: '{"status":"degraded",', problem: 'Expected double-quoted property name' },
    { name: 'cut after a key', body: '{"status":', problem: 'Unexpected end of JSON input' },
    { name: 'an unclosed array', body: ' \n[1, 2', problem: "Expected ',' or ']' after array element" },
    { name: 'trailing text', body: '{"status":"ok"} and more', problem: 'Unexpected non-whitespace character' },
  ])('fails a body that is $name and says what the parser saw', ({ body, problem }) => {
    const results = evaluateExpectations(answered(200, body), undefined, undefined);
    const check = resultNamed(results, 'health_body');
    expect(check?.ok).toBe(false);
    expect(check?.expected).toBe('valid JSON');
    expect(check?.condition).toMatch(/^\[BODY\] is not valid JSON: /);
    expect(check?.condition).toContain(problem);
    expect(resultNamed(results, 'health_status')).toBeUndefined();
    expect(failureReason(results)).toBe(check?.condition);
  });

  it.each([
    { contentType: 'application/json', ok: false },
    { contentType: 'application/json; charset=utf-8', ok: false },
    { contentType: 'application/health+json', ok: false },
    { contentType: 'text/json', ok: false },
    { contentType: 'text/plain', ok: true },
    { contentType: undefined, ok: true },
  ])('judges a bare word served as $contentType as ok=$ok', ({ contentType, ok }) => {
    const observation: Observation = { ...answered(200, 'OK'), ...(contentType ? { contentType } : {}) };
    const results = evaluateExpectations(observation, undefined, undefined);
    expect(results.every((result) => result.ok)).toBe(ok);
    if (!ok)
      expect(resultNamed(results, 'health_body')?.condition).toBe("[BODY] is not valid JSON: Unexpected token 'O'");
  });

  it('keeps the body text out of the parser message, where a cut secret could escape redaction', () => {
    const body = `{"echo":"tok-9f8e7d6c5b4a"} x${'y'.repeat(40)}`;
    const results = evaluateExpectations(answered(200, body, 5), undefined, undefined);
    const condition = resultNamed(results, 'health_body')?.condition ?? '';
    expect(condition).toMatch(/^\[BODY\] is not valid JSON: Unexpected non-whitespace character after JSON/);
    expect(condition).not.toContain('tok-');
    expect(condition.length).toBeLessThanOrEqual(160);
  });

  it('passes a JSON body that parses and records that it did', () => {
    const results = evaluateExpectations(answered(200, json({ status: 'ok' })), undefined, undefined);
    expect(resultNamed(results, 'health_body')).toEqual({
      name: 'health_body',
      ok: true,
      observed: 'valid JSON',
      expected: 'valid JSON',
      condition: '[BODY] is valid JSON',
    });
  });
});

describe('evaluateExpectations: version', () => {
  it.each([
    { name: 'equal versions', body: json({ version: '1.4.2' }), wanted: '1.4.2', ok: true, seen: '"1.4.2"' },
    { name: 'a leading v on the body', body: json({ version: 'v1.4.2' }), wanted: '1.4.2', ok: true, seen: '"v1.4.2"' },
    {
      name: 'a leading v on the expectation',
      body: json({ version: '1.4.2' }),
      wanted: 'v1.4.2',
      ok: true,
      seen: '"1.4.2"',
    },
    { name: 'a leading V on both', body: json({ version: 'V1.4.2' }), wanted: 'v1.4.2', ok: true, seen: '"V1.4.2"' },
    { name: 'a numeric version', body: '{"version": 2}', wanted: 'v2', ok: true, seen: '"2"' },
    { name: 'a different version', body: json({ version: '1.4.1' }), wanted: '1.4.2', ok: false, seen: '"1.4.1"' },
    { name: 'a prefix of the version', body: json({ version: '1.4' }), wanted: '1.4.2', ok: false, seen: '"1.4"' },
    { name: 'a bare /version line', body: 'v1.4.2\n', wanted: '1.4.2', ok: true, seen: '"v1.4.2"' },
    { name: 'a wrong bare /version line', body: '1.4.1\n', wanted: '1.4.2', ok: false, seen: '"1.4.1"' },
    { name: 'no version in the body', body: json({ status: 'ok' }), wanted: '1.4.2', ok: false, seen: '(missing)' },
    { name: 'an empty body', body: '', wanted: '1.4.2', ok: false, seen: '(missing)' },
  ])('judges $name against $wanted as ok=$ok', ({ body, wanted, ok, seen }) => {
    const results = evaluateExpectations(answered(200, body), undefined, wanted);
    const version = resultNamed(results, 'version');
    expect(version?.ok).toBe(ok);
    expect(version?.expected).toBe(wanted);
    expect(version?.condition).toBe(`[BODY].version ${seen} == ${JSON.stringify(wanted)}`);
    expect(version?.observed).toBe(seen === '(missing)' ? '(none)' : JSON.parse(seen));
  });

  it('lets a target version override the gate version', () => {
    const results = evaluateExpectations(answered(200, json({ version: '2.0.0' })), { version: '2.0.0' }, '1.4.2');
    expect(resultNamed(results, 'version')).toMatchObject({ ok: true, expected: '2.0.0' });
  });

  it('leaves the version check out when no version is expected', () => {
    const results = evaluateExpectations(answered(200, json({ version: 'anything' })), undefined, undefined);
    expect(resultNamed(results, 'version')).toBeUndefined();
  });
});

describe('evaluateExpectations: latency and body', () => {
  it.each([
    { latencyMs: 99, max: 100, ok: true },
    { latencyMs: 100, max: 100, ok: true },
    { latencyMs: 101, max: 100, ok: false },
  ])('judges $latencyMs ms against maxLatencyMs $max as ok=$ok', ({ latencyMs, max, ok }) => {
    const results = evaluateExpectations(answered(200, '', latencyMs), { maxLatencyMs: max }, undefined);
    expect(resultNamed(results, 'latency')).toEqual({
      name: 'latency',
      ok,
      observed: `${latencyMs}ms`,
      expected: `<= ${max}ms`,
      condition: `[RESPONSE_TIME] ${latencyMs}ms <= ${max}ms`,
    });
  });

  it.each([
    { body: 'database: connected', needle: 'connected', ok: true, word: 'found' },
    { body: 'database: disconnected', needle: 'database: connected', ok: false, word: 'not found' },
    { body: undefined, needle: 'x', ok: false, word: 'not found' },
  ])('judges bodyContains $needle as ok=$ok', ({ body, needle, ok, word }) => {
    const results = evaluateExpectations(answered(200, body), { bodyContains: needle }, undefined);
    expect(resultNamed(results, 'body_contains')).toEqual({
      name: 'body_contains',
      ok,
      observed: word,
      expected: JSON.stringify(needle),
      condition: `[BODY] contains ${JSON.stringify(needle)}: ${word}`,
    });
  });
});

describe('evaluateExpectations: transport errors', () => {
  it.each([
    {
      error: 'timeout',
      detail: 'no complete answer in time',
      condition: '[CONNECTED] timeout (no complete answer in time)',
    },
    { error: 'connection_refused', detail: undefined, condition: '[CONNECTED] connection_refused' },
    {
      error: 'body_too_large',
      detail: 'body over 65536 bytes',
      condition: '[CONNECTED] body_too_large (body over 65536 bytes)',
    },
  ])('gives a single connected failure for $error', ({ error, detail, condition }) => {
    const observation: Observation = { error, latencyMs: 5, ...(detail !== undefined ? { errorDetail: detail } : {}) };
    const results = evaluateExpectations(observation, { status: [200], bodyContains: 'x', maxLatencyMs: 1 }, '1.0.0');
    expect(results).toEqual([
      { name: 'connected', ok: false, observed: error, expected: 'a complete HTTP response', condition },
    ]);
  });
});

describe('failureReason', () => {
  it.each([
    { name: 'all passing', observation: answered(200, json({ status: 'ok', version: '1.0.0' })), reason: undefined },
    {
      name: 'one failing',
      observation: answered(503, json({ status: 'ok', version: '1.0.0' })),
      reason: '[STATUS] 503 in [200-299]',
    },
    {
      name: 'several failing, in check order',
      observation: answered(500, json({ status: 'degraded', version: '0.9.0' })),
      reason:
        '[STATUS] 500 in [200-299]; [BODY].status "degraded" in [ok, healthy, pass, up]; [BODY].version "0.9.0" == "1.0.0"',
    },
    {
      name: 'a transport error',
      observation: { error: 'reset', errorDetail: 'ECONNRESET', latencyMs: 3 },
      reason: '[CONNECTED] reset (ECONNRESET)',
    },
  ])('joins the failing conditions for $name', ({ observation, reason }) => {
    expect(failureReason(evaluateExpectations(observation, undefined, '1.0.0'))).toBe(reason);
  });
});

describe('versions', () => {
  it.each([
    { raw: '1.4.2', normal: '1.4.2' },
    { raw: 'v1.4.2', normal: '1.4.2' },
    { raw: 'V1.4.2', normal: '1.4.2' },
    { raw: '  v1.4.2\n', normal: '1.4.2' },
    { raw: 'vv1.4.2', normal: 'vv1.4.2' },
    { raw: 'version-2', normal: 'version-2' },
    { raw: 'v', normal: 'v' },
    { raw: '2026.01.07-rc1', normal: '2026.01.07-rc1' },
    { raw: 'abc123+build.5', normal: 'abc123+build.5' },
  ])('normalizeVersion($raw) is $normal', ({ raw, normal }) => {
    expect(normalizeVersion(raw)).toBe(normal);
  });

  it.each([
    { observed: 'v1.4.2', expected: '1.4.2', match: true },
    { observed: '1.4.2', expected: 'v1.4.2', match: true },
    { observed: '1.4.2', expected: '1.4.20', match: false },
    { observed: 'release-1', expected: 'release-1', match: true },
    { observed: 'Release-1', expected: 'release-1', match: false },
  ])('versionsMatch($observed, $expected) is $match', ({ observed, expected, match }) => {
    expect(versionsMatch(observed, expected)).toBe(match);
  });

  it.each([
    {
      body: json({ status: 'ok', version: 'v1.2.3' }),
      read: { status: 'ok', version: 'v1.2.3', json: { valid: true } },
    },
    { body: '  v1.2.3  \n', read: { version: 'v1.2.3' } },
    { body: 'version 1.2.3', read: {} },
    { body: 'OK', read: {} },
    { body: json({ version: { number: '1' } }), read: { json: { valid: true } } },
    { body: '{"version":"1', read: { json: { valid: false, problem: 'Unterminated string in JSON at position 13' } } },
    { body: undefined, read: {} },
  ])('readHealthBody reads $read from $body', ({ body, read }) => {
    expect(readHealthBody(body)).toEqual(read);
  });
});
