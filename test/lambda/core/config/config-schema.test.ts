import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  parseGateConfig,
} from '../../../../lambda/core/config/config-schema.ts';
import { ConfigError, ConfigErrors, describeValue } from '../../../../lambda/core/errors.ts';

const URL_A = 'http://a.example/health';

/** The ConfigErrors a raw config produces, one per problem; fails the test when it parses. */
function problemsOf(raw: unknown, labels: Record<string, string> = {}): ConfigError[] {
  try {
    parseGateConfig(raw, labels);
  } catch (error) {
    if (error instanceof ConfigErrors) return [...error.errors];
    if (error instanceof ConfigError) return [error];
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseGateConfig defaults', () => {
  it('fills every default when only targets are given', () => {
    expect(parseGateConfig({ targets: [{ url: URL_A }] })).toEqual({
      targets: [{ url: URL_A }],
      timeoutMs: 5_000,
      retries: 2,
      backoffMs: DEFAULT_BACKOFF_MS,
      concurrency: 256,
      maxBodyBytes: 64 * 1024,
      failOnSkipped: false,
    });
  });

  it.each([
    { name: 'DEFAULT_TIMEOUT_MS', value: DEFAULT_TIMEOUT_MS, expected: 5_000 },
    { name: 'DEFAULT_RETRIES', value: DEFAULT_RETRIES, expected: 2 },
    { name: 'DEFAULT_CONCURRENCY', value: DEFAULT_CONCURRENCY, expected: 256 },
    { name: 'DEFAULT_MAX_BODY_BYTES', value: DEFAULT_MAX_BODY_BYTES, expected: 65_536 },
  ])('exports $name as $expected', ({ value, expected }) => {
    expect(value).toBe(expected);
  });

  it('keeps given values over the defaults', () => {
    const config = parseGateConfig({
      targets: [],
      timeoutMs: 300,
      retries: 0,
      backoffMs: 0,
      concurrency: 1,
      maxBodyBytes: 1024,
      failOnSkipped: true,
      expectedVersion: 'v1.4.2',
      rollback: { command: './rollback.sh' },
    });
    expect(config).toMatchObject({ timeoutMs: 300, retries: 0, backoffMs: 0, concurrency: 1, maxBodyBytes: 1024 });
    expect(config.failOnSkipped).toBe(true);
    expect(config.rollback).toEqual({ command: './rollback.sh', timeoutMs: 300_000 });
  });

  it.each([
    { name: 'a literal string', value: 'application/json' },
    { name: 'an env reference', value: { env: 'HEALTH_TOKEN' } },
    { name: 'an ssm reference', value: { ssm: '/rollgate/prod/token' } },
    { name: 'a string embedding ${NAME}', value: 'Bearer ${HEALTH_TOKEN}' },
  ])('accepts a header value given as $name', ({ value }) => {
    const config = parseGateConfig({ targets: [{ url: URL_A, headers: { authorization: value } }] });
    expect(config.targets[0]?.headers).toEqual({ authorization: value });
  });

  it.each([{ spec: [200] }, { spec: ['200-299', 304] }, { spec: ['503'] }, { spec: ['100-599'] }])(
    'accepts the status list $spec',
    ({ spec }) => {
      const config = parseGateConfig({ targets: [{ url: URL_A, expect: { status: spec } }] });
      expect(config.targets[0]?.expect?.status).toEqual(spec);
    },
  );
});

describe('parseGateConfig rejections', () => {
  it.each([
    { name: 'a negative timeout', raw: { targets: [], timeoutMs: -1 }, field: 'timeoutMs', value: -1 },
    { name: 'a zero timeout', raw: { targets: [], timeoutMs: 0 }, field: 'timeoutMs', value: 0 },
    { name: 'a fractional timeout', raw: { targets: [], timeoutMs: 1.5 }, field: 'timeoutMs', value: 1.5 },
    { name: 'a timeout given as text', raw: { targets: [], timeoutMs: '5000' }, field: 'timeoutMs', value: '5000' },
    { name: 'retries 11', raw: { targets: [], retries: 11 }, field: 'retries', value: 11 },
    { name: 'negative retries', raw: { targets: [], retries: -1 }, field: 'retries', value: -1 },
    { name: 'concurrency 0', raw: { targets: [], concurrency: 0 }, field: 'concurrency', value: 0 },
    {
      name: 'concurrency past the file-descriptor budget',
      raw: { targets: [], concurrency: 513 },
      field: 'concurrency',
      value: 513,
    },
    { name: 'a body cap under 1 KiB', raw: { targets: [], maxBodyBytes: 10 }, field: 'maxBodyBytes', value: 10 },
    { name: 'missing targets', raw: {}, field: 'targets', value: undefined },
    {
      name: 'a bad URL in targets[1]',
      raw: { targets: [{ url: URL_A }, { url: 'ftp://b.example/' }] },
      field: 'targets[1].url',
      value: 'ftp://b.example/',
    },
    {
      name: 'a relative URL in targets[0]',
      raw: { targets: [{ url: '/health' }] },
      field: 'targets[0].url',
      value: '/health',
    },
    { name: 'an unknown top-level field', raw: { targets: [], timeout: 5 }, field: 'timeout', value: 5 },
    {
      name: 'an unknown field in a target',
      raw: { targets: [{ url: URL_A, method: 'POST' }] },
      field: 'targets[0].method',
      value: 'POST',
    },
    {
      name: 'an unknown expectation',
      raw: { targets: [{ url: URL_A, expect: { statusCode: 200 } }] },
      field: 'targets[0].expect.statusCode',
      value: 200,
    },
    {
      name: 'the status spec "600"',
      raw: { targets: [{ url: URL_A, expect: { status: ['600'] } }] },
      field: 'targets[0].expect.status[0]',
      value: '600',
    },
    {
      name: 'the status code 600',
      raw: { targets: [{ url: URL_A, expect: { status: [200, 600] } }] },
      field: 'targets[0].expect.status[1]',
      value: 600,
    },
    {
      name: 'the backwards range "299-200"',
      raw: { targets: [{ url: URL_A, expect: { status: ['299-200'] } }] },
      field: 'targets[0].expect.status[0]',
      value: '299-200',
      says: 'range must not end before it starts',
    },
    {
      name: 'an empty status list',
      raw: { targets: [{ url: URL_A, expect: { status: [] } }] },
      field: 'targets[0].expect.status',
      value: [],
    },
    {
      name: 'an env reference that is not a variable name',
      raw: { targets: [{ url: URL_A, headers: { authorization: { env: '1-TOKEN' } } }] },
      field: 'targets[0].headers.authorization.env',
      value: '1-TOKEN',
      withheld: true,
    },
    {
      name: 'an ssm reference without a leading slash',
      raw: { targets: [{ url: URL_A, headers: { authorization: { ssm: 'rollgate/token' } } }] },
      field: 'targets[0].headers.authorization.ssm',
      value: 'rollgate/token',
      withheld: true,
    },
    {
      name: 'a header reference with both env and ssm',
      raw: { targets: [{ url: URL_A, headers: { authorization: { env: 'A', ssm: '/b' } } }] },
      field: 'targets[0].headers.authorization',
      value: { env: 'A', ssm: '/b' },
      withheld: true,
    },
    {
      name: 'a header value that is a number',
      raw: { targets: [{ url: URL_A, headers: { 'x-retries': 3 } }] },
      field: 'targets[0].headers.x-retries',
      value: 3,
      withheld: true,
    },
    {
      name: 'a header value with a line break',
      raw: { targets: [{ url: URL_A, headers: { 'x-note': 'a\r\nx-injected: 1' } }] },
      field: 'targets[0].headers.x-note',
      value: 'a\r\nx-injected: 1',
      withheld: true,
      says: 'line breaks',
    },
    {
      name: 'a header name with a space',
      raw: { targets: [{ url: URL_A, headers: { 'bad name': 'x' } }] },
      field: 'targets[0].headers.bad name',
      value: 'bad name',
      says: 'must be an HTTP header name',
    },
    {
      name: 'a header name with a colon',
      raw: { targets: [{ url: URL_A, headers: { 'x-a:': 'x' } }] },
      field: 'targets[0].headers.x-a:',
      value: 'x-a:',
      says: 'must be an HTTP header name',
    },
    {
      name: 'a bad expected version',
      raw: { targets: [], expectedVersion: '1.4.2; rm -rf /' },
      field: 'expectedVersion',
      value: '1.4.2; rm -rf /',
    },
  ])(
    'rejects $name, naming the field and the value (withheld under headers)',
    ({ raw, field, value, says, withheld }) => {
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem?.field).toBe(field);
      expect(problem?.message.startsWith(`${field}: `)).toBe(true);
      if (withheld) {
        // A header value may be a credential: the error, its value and its cause never carry it.
        expect(problem?.value).toBeUndefined();
        expect(problem?.message).toMatch(/\(value withheld\)$/);
        expect(JSON.stringify(problem?.cause)).not.toContain(JSON.stringify(value));
      } else {
        expect(problem?.value).toEqual(value);
        expect(problem?.message).toContain(`(got ${describeValue(value)})`);
      }
      if (says !== undefined) expect(problem?.message).toContain(says);
    },
  );

  it('reports every problem at once as ConfigErrors', () => {
    const raw = {
      targets: [{ url: URL_A }, { url: 'file:///etc/passwd' }],
      timeoutMs: -5,
      retries: 11,
      concurrency: 0,
    };
    expect(() => parseGateConfig(raw)).toThrow(ConfigErrors);
    expect(problemsOf(raw).map((problem) => [problem.field, problem.value])).toEqual([
      ['targets[1].url', 'file:///etc/passwd'],
      ['timeoutMs', -5],
      ['retries', 11],
      ['concurrency', 0],
    ]);
  });

  it('names each unknown field on its own', () => {
    expect(problemsOf({ targets: [], foo: 1, bar: 'x' }).map((problem) => [problem.field, problem.value])).toEqual([
      ['foo', 1],
      ['bar', 'x'],
    ]);
  });

  it.each<{ labels: Record<string, string>; raw: unknown; field: string }>([
    { labels: { timeoutMs: '--timeout-ms' }, raw: { targets: [], timeoutMs: -1 }, field: '--timeout-ms' },
    { labels: { retries: '--retries' }, raw: { targets: [], retries: 11 }, field: '--retries' },
    {
      labels: { 'targets[0].url': 'RUNTIME_HEALTH_URLS' },
      raw: { targets: [{ url: 'ftp://x.example/' }] },
      field: 'RUNTIME_HEALTH_URLS',
    },
    { labels: { timeout: '--timeout' }, raw: { targets: [], timeout: 1 }, field: '--timeout' },
    { labels: { retries: '--retries' }, raw: { targets: [], timeoutMs: -1 }, field: 'timeoutMs' },
  ])('names the field $field through fieldLabels $labels', ({ labels, raw, field }) => {
    const [problem] = problemsOf(raw, labels);
    expect(problem?.field).toBe(field);
    expect(problem?.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([
    { name: 'null', raw: null },
    { name: 'an array', raw: [] },
    { name: 'a string', raw: 'targets' },
  ])('rejects $name as the whole config under the name "config"', ({ raw }) => {
    const [problem] = problemsOf(raw);
    expect(problem?.field).toBe('config');
  });
});

describe('parseGateConfig: hostile keys and secret-bearing values', () => {
  it.each([
    {
      name: 'a top-level __proto__',
      json: '{"targets":[],"__proto__":{"rollback":{"command":"curl evil"}}}',
      field: 'config.__proto__',
    },
    {
      name: 'a constructor inside a target',
      json: '{"targets":[{"url":"http://a.example/","constructor":{}}]}',
      field: 'config.targets[0].constructor',
    },
    {
      name: 'a prototype key inside headers',
      json: '{"targets":[{"url":"http://a.example/","headers":{"prototype":"x"}}]}',
      field: 'config.targets[0].headers.prototype',
    },
    {
      name: 'a __proto__ deep in an unknown field',
      json: '{"targets":[],"x":[[{"y":{"__proto__":1}}]]}',
      field: 'config.x[0][0].y.__proto__',
    },
  ])('refuses $name, naming its path', ({ json, field }) => {
    const [problem] = problemsOf(JSON.parse(json));
    expect(problem?.field).toBe(field);
    expect(problem?.message).toBe(`${field}: is not allowed (prototype keys are refused)`);
  });

  it.each(['toString', 'hasOwnProperty', 'valueOf'])(
    'names an unknown field called %s by its own name, not a prototype function',
    (key) => {
      const [problem] = problemsOf({ targets: [], [key]: 1 }, { timeoutMs: '--timeout-ms' });
      expect(problem?.field).toBe(key);
      expect(problem?.message).toBe(`${key}: is not a known field (got 1)`);
    },
  );

  it.each([
    { name: 'an ftp URL', url: 'ftp://ops:pw-9f8e7d6c5b4a@files.example/' },
    { name: 'an http URL with a bad port', url: 'http://ops:pw-9f8e7d6c5b4a@a.example:99999/' },
    { name: 'a URL with a space in its host', url: 'https://ops:pw-9f8e7d6c5b4a@a exa mple/' },
    { name: 'a URL with a token query', url: 'gopher://a.example/?token=pw-9f8e7d6c5b4a' },
  ])('quotes a rejected target URL ($name) without its credentials', ({ url }) => {
    const [problem] = problemsOf({ targets: [{ url }] });
    expect(problem?.field).toBe('targets[0].url');
    expect(problem?.message).toContain('(got "');
    expect(problem?.message).not.toContain('pw-9f8e7d6c5b4a');
  });

  it('withholds a header value that is not a string or a reference (it may still be a secret)', () => {
    const [problem] = problemsOf({ targets: [{ url: URL_A, headers: { Authorization: ['Bearer tok-123456789'] } }] });
    expect(problem?.message).toBe(
      'targets[0].headers.Authorization: is not any of the accepted forms (value withheld)',
    );
  });

  it('withholds a value that holds headers, such as a target wrapped in an array', () => {
    const target = { url: URL_A, headers: { Authorization: 'Bearer tok-123456789' } };
    const [problem] = problemsOf({ targets: [[target]] });
    expect(problem?.message).toBe('targets[0]: must be an object (value withheld)');
  });

  it('withholds headers given as something other than an object', () => {
    const [problem] = problemsOf({ targets: [{ url: URL_A, headers: 'Authorization: Bearer tok-123456789' }] });
    expect(problem?.message).toBe('targets[0].headers: must be an object (value withheld)');
  });
});

describe('parseGateConfig: numbers beyond the safe integers', () => {
  it.each([
    {
      raw: { targets: [], concurrency: 1e20 },
      message: 'concurrency: must be at most 512 (got 100000000000000000000)',
    },
    { raw: { targets: [], retries: -1e20 }, message: 'retries: must be at least 0 (got -100000000000000000000)' },
  ])("names the field's own bound, not the safe-integer range: $message", ({ raw, message }) => {
    const problems = problemsOf(raw);
    expect(problems.map((problem) => problem.message)).toEqual([message]);
  });
});
