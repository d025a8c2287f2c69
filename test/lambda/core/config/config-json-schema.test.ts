// The published JSON Schema of rollgate.config.json: the checked-in file is what the zod schema generates, and it
// accepts the shipped example (and refuses what synth refuses field by field).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_JSON_SCHEMA_FILE,
  rollgateConfigJsonSchema,
  rollgateConfigJsonSchemaText,
} from '../../../../lambda/core/config/config-json-schema.ts';
import { CONFIG_SCHEMA_PATH } from '../../../../bin/cli/init/init-command.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// A JSON Schema validator: aws-cdk-lib bundles `jsonschema` (draft-07), so the test needs no package of its own.
const requireFromCdk = createRequire(createRequire(import.meta.url).resolve('aws-cdk-lib/package.json'));
const { Validator } = requireFromCdk('jsonschema') as {
  Validator: new () => { validate(instance: unknown, schema: unknown): { errors: Array<{ property: string }> } };
};

function errorsOf(config: unknown): string[] {
  return new Validator().validate(config, rollgateConfigJsonSchema()).errors.map((error) => error.property);
}

describe('schema/rollgate.config.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` after changing lambda/core/config/)', () => {
    // Compared as JSON: the file is laid out by Biome, like every other file of the repository.
    expect(JSON.parse(read(CONFIG_JSON_SCHEMA_FILE))).toEqual(JSON.parse(rollgateConfigJsonSchemaText()));
  });

  it('is where the example config and `rollgate init` point editors', () => {
    const example = JSON.parse(read('rollgate.config.example.json')) as { $schema: string };
    expect(path.normalize(example.$schema)).toBe(path.normalize(CONFIG_JSON_SCHEMA_FILE));
    expect(CONFIG_SCHEMA_PATH).toBe(`node_modules/rollgate/${CONFIG_JSON_SCHEMA_FILE}`);
    expect((JSON.parse(read('package.json')) as { files: string[] }).files).toContain('schema/');
  });

  it('accepts the shipped example', () => {
    expect(errorsOf(JSON.parse(read('rollgate.config.example.json')))).toEqual([]);
  });

  it.each([
    [
      'a misspelt expectation',
      { monitors: [{ name: 'm', targets: [{ url: 'https://x', expect: { statuss: [200] } }] }] },
    ],
    [
      'a negative maxLatencyMs',
      { monitors: [{ name: 'm', targets: [{ url: 'https://x', expect: { maxLatencyMs: -5 } }] }] },
    ],
    ['a status of 700', { monitors: [{ name: 'm', targets: [{ url: 'https://x', expect: { status: [700] } }] }] }],
    ['an unknown rollback mode', { services: [{ service: 's', environment: 'e', rollback: { mode: 'later' } }] }],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 45 }],
  ])('refuses %s, as synth does', (_case, config) => {
    expect(errorsOf(config)).not.toEqual([]);
  });
});
