// Checks a record against the published evidence JSON Schema with a real JSON Schema validator: aws-cdk-lib bundles
// `jsonschema` (draft-07), as the config schema's test uses it, so the tests need no package of their own.
import { createRequire } from 'node:module';
import { evidenceJsonSchema } from '../../lambda/core/evidence/evidence-json-schema.ts';

const requireFromCdk = createRequire(createRequire(import.meta.url).resolve('aws-cdk-lib/package.json'));
const { Validator } = requireFromCdk('jsonschema') as {
  Validator: new () => { validate(instance: unknown, schema: unknown): { errors: Array<{ stack: string }> } };
};

/** What the JSON Schema finds wrong with a record, one line per problem; empty when it is valid. */
export function jsonSchemaErrorsOf(record: unknown): string[] {
  return new Validator().validate(record, evidenceJsonSchema()).errors.map((error) => error.stack);
}
