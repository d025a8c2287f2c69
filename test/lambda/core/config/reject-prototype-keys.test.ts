import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambda/core/errors.ts';
import { findPrototypeKey, rejectPrototypeKeys } from '../../../../lambda/core/config/reject-prototype-keys.ts';

describe('findPrototypeKey', () => {
  it.each([
    { name: 'a top-level __proto__', json: '{"a":1,"__proto__":{"b":2}}', path: ['__proto__'] },
    { name: 'a nested constructor', json: '{"a":{"b":[{"constructor":1}]}}', path: ['a', 'b', 0, 'constructor'] },
    { name: 'a prototype key', json: '{"x":{"prototype":null}}', path: ['x', 'prototype'] },
    { name: 'no prototype key', json: '{"a":{"proto":1,"__proto":2,"Constructor":3}}', path: undefined },
    { name: 'a primitive', json: '"__proto__"', path: undefined },
    { name: 'an array of values named like prototype keys', json: '["__proto__","constructor"]', path: undefined },
  ])('finds $name', ({ json, path }) => {
    expect(findPrototypeKey(JSON.parse(json))).toEqual(path);
  });

  it('walks input nested far deeper than the call stack', () => {
    const depth = 200_000;
    const json = `${'{"a":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth)}`;
    const path = findPrototypeKey(JSON.parse(json));
    expect(path).toHaveLength(depth + 1);
    expect(path?.at(-1)).toBe('__proto__');
  });

  it('ends on a cycle', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(findPrototypeKey(cycle)).toBeUndefined();
  });
});

describe('rejectPrototypeKeys', () => {
  it('throws a ConfigError naming the path as the caller names it, without quoting the value', () => {
    const raw = JSON.parse('{"targets":[{"__proto__":{"url":"http://evil.example/"}}]}');
    let thrown: unknown;
    try {
      rejectPrototypeKeys(raw, (path) => `gate.json: ${path.join('/')}`);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toBe(
      'gate.json: targets/0/__proto__: is not allowed (prototype keys are refused)',
    );
  });
});
