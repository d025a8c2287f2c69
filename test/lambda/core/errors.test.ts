import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors, describeValue } from '../../../lambda/core/errors.ts';

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

describe('describeValue', () => {
  it.each([
    { name: 'nothing', value: undefined, out: 'nothing' },
    { name: 'a string, quoted', value: 'abc', out: '"abc"' },
    { name: 'a number', value: -5, out: '-5' },
    { name: 'NaN (null in JSON)', value: Number.NaN, out: 'null' },
    { name: 'an object', value: { env: 'A' }, out: '{"env":"A"}' },
    { name: 'a BigInt', value: 10n, out: '10' },
    { name: 'a symbol', value: Symbol('s'), out: 'Symbol(s)' },
    { name: 'an object without a prototype', value: Object.create(null), out: '{}' },
    {
      name: 'a URL with a password',
      value: 'ftp://ops:hunter22@files.example/',
      out: '"ftp://***:***@files.example/"',
    },
    { name: 'a URL with a token query', value: 'http://a.example/?token=abc123', out: '"http://a.example/?token=***"' },
  ])('renders $name', ({ value, out }) => {
    expect(describeValue(value)).toBe(out);
  });

  it.each([
    {
      name: 'a cycle',
      value: (() => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      })(),
    },
    { name: 'an array nested deeper than the stack', value: nested(200_000) },
    {
      name: 'an object whose toString throws',
      value: {
        toJSON: () => {
          throw new Error('no');
        },
        toString: () => {
          throw new Error('no');
        },
      },
    },
  ])('never throws on $name', ({ value }) => {
    expect(typeof describeValue(value)).toBe('string');
  });

  it('cuts a long value to 120 characters after redacting it, so the cut cannot expose a secret', () => {
    const password = 'p'.repeat(200);
    const text = describeValue(`https://ops:${password}@a.example/`);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text).not.toContain('pppp');
  });
});

describe('ConfigError', () => {
  it('quotes the value by default', () => {
    expect(new ConfigError('--retries', 'many', 'must be a whole number').message).toBe(
      '--retries: must be a whole number (got "many")',
    );
  });

  it('withholds a secret-bearing value from the message and from the error itself', () => {
    const error = new ConfigError('targets[0].headers.Authorization', 'Bearer tok\n', 'must not contain line breaks', {
      show: 'withheld',
    });
    expect(error.message).toBe('targets[0].headers.Authorization: must not contain line breaks (value withheld)');
    expect(error.value).toBeUndefined();
  });

  it('keeps a quoted value out of what serialises its properties, as the Lambda runtime logs a thrown error', () => {
    const url = 'ftp://ops:pw-5ecret-77@files.example/';
    const error = new ConfigError('detail.urls[0]', url, 'must be an http: or https: URL');
    expect(error.value).toBe(url);
    expect(JSON.stringify({ ...error })).not.toContain('pw-5ecret-77');
    expect(
      JSON.stringify(new ConfigErrors([error]), (_key, value) => (value instanceof Error ? { ...value } : value)),
    ).not.toContain('pw-5ecret-77');
  });

  it('leaves the value out when the field says it all', () => {
    expect(new ConfigError('config.__proto__', { a: 1 }, 'is not allowed', { show: 'none' }).message).toBe(
      'config.__proto__: is not allowed',
    );
  });
});
