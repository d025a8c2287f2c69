// Property tests over every parser of untrusted input: the deploy event, the monitor input, the gate config, the CLI's
// flags + environment + config file, and the URL list. Whatever arrives, a parser returns a typed value or throws
// ConfigError/ConfigErrors whose every message names a field; it never quotes a planted secret and never accepts a
// prototype key. Each test name carries its case count, "(N cases)", for the fuzz reporter to add up.
//
// The seed is fixed so CI is repeatable; explore new inputs with ROLLGATE_FUZZ_SEED=<number> (a failure prints the
// seed and the shrunk input to replay).

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readGateOptions } from '../../bin/cli/gate/gate-options.ts';
import { parseGateConfig } from '../../lambda/core/config/config-schema.ts';
import { parseDeployEvent } from '../../lambda/core/config/deploy-event-schema.ts';
import { ConfigError, ConfigErrors } from '../../lambda/core/errors.ts';
import { parseMonitorInput } from '../../lambda/core/config/monitor-schema.ts';
import { parseRegistry } from '../../lambda/core/config/registry.ts';
import { PROTOTYPE_KEY_PROBLEM, PROTOTYPE_KEYS } from '../../lambda/core/config/reject-prototype-keys.ts';
import { parseUrlList } from '../../lambda/core/config/url-list.ts';
import {
  deployEventArb,
  garbageArb,
  gateConfigArb,
  jsonTextOf,
  monitorInputArb,
  mutated,
  oddStringArb,
  plantedTargetArb,
  plantedUrlArb,
  plantKey,
  secretArb,
} from './near-valid-inputs.ts';

const SEED = Number(process.env.ROLLGATE_FUZZ_SEED ?? 20_261_204);
// Every service the arbitraries name is unknown but this one, which takes targets from its events.
const REGISTRY = parseRegistry({ services: [{ service: 'checkout', environment: 'prod', eventTargets: 'allow' }] });
const INVOCATION = { invocationId: 'inv-0001', registry: REGISTRY };
// Thousands of small config files: on a RAM disk where there is one (a write to /tmp can cost milliseconds).
const workDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rollgate-fuzz-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/**
 * Runs `parse` and returns its ConfigErrors as a flat list (empty when it accepted the input). Anything else thrown
 * (TypeError, RangeError, a stack overflow) fails the property.
 */
function configErrorsOf(parse: () => unknown): readonly ConfigError[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors;
    if (error instanceof ConfigError) return [error];
    throw new Error(`threw ${String(error)} instead of a ConfigError`, { cause: error });
  }
}

function expectNamedFields(errors: readonly ConfigError[]): void {
  for (const error of errors) {
    expect(error.field.length).toBeGreaterThan(0);
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
  }
}

/** Every case: the parser returns or throws ConfigErrors only, each naming its field. */
function checkParser(arbitrary: fc.Arbitrary<unknown>, parse: (input: unknown) => unknown, numRuns: number): void {
  fc.assert(
    fc.property(arbitrary, (input) => {
      expectNamedFields(configErrorsOf(() => parse(input)));
    }),
    { numRuns, seed: SEED },
  );
}

const PARSERS = {
  'the deploy event': { arbitrary: deployEventArb, parse: (raw: unknown) => parseDeployEvent(raw, INVOCATION) },
  'the monitor input': { arbitrary: monitorInputArb, parse: (raw: unknown) => parseMonitorInput(raw, REGISTRY) },
  'the gate config': { arbitrary: gateConfigArb, parse: (raw: unknown) => parseGateConfig(raw) },
} as const;

describe('parsers of events and configs', () => {
  it.each([
    ['the deploy event', 4000],
    ['the monitor input', 3000],
    ['the gate config', 4000],
  ] as const)('%s returns a value or names a field for mutated and garbage input (%i cases)', (name, numRuns) => {
    const { arbitrary, parse } = PARSERS[name];
    checkParser(mutated(arbitrary), parse, numRuns);
  });

  it.each([
    ['the deploy event', 700],
    ['the monitor input', 500],
    ['the gate config', 800],
  ] as const)('%s never quotes a planted header value, URL password or query token (%i cases)', (name, numRuns) => {
    const secretInput = secretArb.chain((secret) =>
      fc
        .tuple(PARSERS[name].arbitrary, plantedTargetArb(secret), fc.array(plantedUrlArb(secret), { maxLength: 2 }))
        .map(([input, target, urls]) => ({ secret, input: withPlanted(input, target, urls) })),
    );
    fc.assert(
      fc.property(secretInput, ({ secret, input }) => {
        const errors = configErrorsOf(() => PARSERS[name].parse(input));
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error.message).not.toContain(secret);
      }),
      { numRuns, seed: SEED },
    );
  });

  it.each([
    ['the deploy event', 300],
    ['the monitor input', 300],
    ['the gate config', 400],
  ] as const)('%s refuses a prototype key anywhere, naming its path (%i cases)', (name, numRuns) => {
    const planted = fc
      .tuple(PARSERS[name].arbitrary, fc.nat(), fc.constantFrom(...PROTOTYPE_KEYS), garbageArb)
      .map(([input, at, key, value]) => ({ key, input: plantKey(input, at, key, value) }));
    fc.assert(
      fc.property(planted, ({ key, input }) => {
        const errors = configErrorsOf(() => PARSERS[name].parse(input));
        expect(errors).toHaveLength(1);
        expect(errors[0]?.field.endsWith(key)).toBe(true);
        expect(errors[0]?.message).toBe(`${errors[0]?.field}: ${PROTOTYPE_KEY_PROBLEM}`);
      }),
      { numRuns, seed: SEED },
    );
  });
});

/** The input with the planted target (and URLs) put where its kind of input lists them. */
function withPlanted(input: unknown, target: Record<string, unknown>, urls: readonly string[]): unknown {
  const record = input as Record<string, unknown>;
  const holder = (record.detail ?? record) as Record<string, unknown>;
  const targets = [...((holder.targets as unknown[] | undefined) ?? []), target];
  const copy: Record<string, unknown> = { ...holder, targets };
  if (urls.length > 0 && 'monitor' in holder) copy.urls = [...((holder.urls as string[] | undefined) ?? []), ...urls];
  else if ('service' in holder) delete copy.urls;
  return record.detail === undefined ? copy : { ...record, detail: copy };
}

const numberTextArb = fc.oneof(fc.integer().map(String), oddStringArb);
const urlListTextArb = fc
  .array(fc.oneof(fc.constantFrom('http://127.0.0.1:9/h', 'https://a.example/', ' ', ''), oddStringArb), {
    maxLength: 4,
  })
  .chain((parts) => fc.constantFrom(parts.join(','), parts.join('\n'), parts.join(' ,\r\n')));

const argTokensArb = fc.oneof(
  fc.tuple(fc.constant('--url'), urlListTextArb),
  fc.tuple(fc.constantFrom('--timeout-ms', '--retries', '--backoff-ms', '--concurrency'), numberTextArb),
  fc.tuple(fc.constantFrom('--rollback-timeout-ms', '--expect-version', '--rollback-command'), oddStringArb),
  fc.tuple(fc.constantFrom('--fail-on-skipped', '--dry-run', '--json', '--help', '-h', '--', '--url=')),
  fc.tuple(fc.constantFrom('--json=yes', '--colour', '-x', 'http://u:p@x/', 'json', '--evidence-dir', '--config')),
  fc.tuple(oddStringArb),
);

const envArb = fc.record(
  {
    RUNTIME_HEALTH_URLS: urlListTextArb,
    RUNTIME_EXPECTED_VERSION: fc.oneof(fc.constantFrom('1.4.2'), oddStringArb),
    RUNTIME_ROLLBACK_COMMAND: fc.oneof(fc.constantFrom('./rollback.sh'), oddStringArb),
    ROLLGATE_FAIL_ON_SKIPPED: fc.oneof(fc.constantFrom('true', '0', 'yes', 'sometimes'), oddStringArb),
  },
  { requiredKeys: [] },
);

const configFileArb: fc.Arbitrary<Uint8Array | undefined> = fc.option(
  fc.oneof(
    { weight: 6, arbitrary: mutated(gateConfigArb).map((value) => Buffer.from(jsonTextOf(value))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from('\ufeff{"targets":[]}'),
        Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
        Buffer.from('{"targets":[{"url":"http://a/",}]}'),
        Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
        Buffer.from('"targets"'),
        Buffer.from(''),
      ),
    },
  ),
  { nil: undefined },
);

describe('the CLI options (flags, environment and config file)', () => {
  const CLI_CASES = 3000;
  it(`return options or name the flag, variable or file field at fault (${CLI_CASES} cases)`, () => {
    fc.assert(
      fc.property(fc.array(argTokensArb, { maxLength: 5 }), envArb, configFileArb, (tokens, env, file) => {
        const argv = tokens.flat();
        if (file !== undefined) {
          writeFileSync(join(workDir, 'gate.json'), file);
          argv.push('--config', 'gate.json');
        }
        expectNamedFields(configErrorsOf(() => readGateOptions(argv, env, workDir)));
      }),
      { numRuns: CLI_CASES, seed: SEED },
    );
  });

  const SECRET_CASES = 800;
  it(`never quote a planted secret from a flag, a variable or the file (${SECRET_CASES} cases)`, () => {
    const planted = secretArb.chain((secret) =>
      fc.record({
        secret: fc.constant(secret),
        url: plantedUrlArb(secret),
        target: plantedTargetArb(secret),
        where: fc.constantFrom('flag', 'env', 'file', 'positional', 'file-target'),
      }),
    );
    fc.assert(
      fc.property(planted, ({ secret, url, target, where }) => {
        const argv: string[] = where === 'flag' ? ['--url', url] : where === 'positional' ? [url] : [];
        const env = where === 'env' ? { RUNTIME_HEALTH_URLS: `http://a.example/\n${url}` } : {};
        if (where === 'file' || where === 'file-target') {
          const targets = where === 'file' ? [{ url }] : [target];
          writeFileSync(join(workDir, 'planted.json'), JSON.stringify({ targets }));
          argv.push('--config', 'planted.json');
        }
        const errors = configErrorsOf(() => readGateOptions(argv, env, workDir));
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error.message).not.toContain(secret);
      }),
      { numRuns: SECRET_CASES, seed: SEED },
    );
  });

  const PROTOTYPE_CASES = 300;
  it(`refuse a prototype key anywhere in the config file before merging it (${PROTOTYPE_CASES} cases)`, () => {
    const planted = fc
      .tuple(gateConfigArb, fc.nat(), fc.constantFrom(...PROTOTYPE_KEYS))
      .map(([config, at, key]) => ({ key, text: JSON.stringify(plantKey(config, at, key, { rollback: {} })) }));
    fc.assert(
      fc.property(planted, ({ key, text }) => {
        writeFileSync(join(workDir, 'proto.json'), text);
        const errors = configErrorsOf(() => readGateOptions(['--config', 'proto.json'], {}, workDir));
        expect(errors).toHaveLength(1);
        expect(errors[0]?.message).toMatch(
          new RegExp(`^proto\\.json: .*${key}: ${PROTOTYPE_KEY_PROBLEM.replace(/[()]/g, '\\$&')}$`),
        );
      }),
      { numRuns: PROTOTYPE_CASES, seed: SEED },
    );
  });
});

describe('the URL list', () => {
  const LIST_CASES = 2000;
  it(`splits into distinct http(s) URLs or names RUNTIME_HEALTH_URLS and an entry without its credentials (${LIST_CASES} cases)`, () => {
    const listArb = secretArb.chain((secret) =>
      fc.record({
        secret: fc.constant(secret),
        text: fc
          .array(fc.oneof(urlListTextArb, plantedUrlArb(secret), fc.string({ maxLength: 30 })), { maxLength: 4 })
          .chain((parts) => fc.constantFrom(parts.join(','), parts.join('\n'), parts.join('\r\n,'))),
      }),
    );
    fc.assert(
      fc.property(listArb, ({ secret, text }) => {
        let urls: string[] = [];
        const errors = configErrorsOf(() => {
          urls = parseUrlList(text, 'RUNTIME_HEALTH_URLS');
        });
        expectNamedFields(errors);
        for (const error of errors) {
          expect(error.field).toBe('RUNTIME_HEALTH_URLS');
          expect(error.message).not.toContain(secret);
        }
        expect(new Set(urls).size).toBe(urls.length);
        for (const url of urls) expect(['http:', 'https:']).toContain(new URL(url).protocol);
      }),
      { numRuns: LIST_CASES, seed: SEED },
    );
  });
});
