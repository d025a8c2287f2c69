// The JSON Schema of an evidence document, generated from its zod schema (evidence-schema.ts), for whoever reads the
// bucket without Rollgate's code: `npm run schema` writes it to schema/evidence.schema.json, which the package ships,
// a test keeps equal to this, and the Athena table's columns are tested against.

import * as z from 'zod/mini';
import { evidenceDocumentSchema } from './evidence-schema.ts';

/** Where the package keeps the file, from its root. */
export const EVIDENCE_JSON_SCHEMA_FILE = 'schema/evidence.schema.json';

/** The output side (what a store writes), draft-07 like the config's schema. */
export function evidenceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(evidenceDocumentSchema, { io: 'output', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'Rollgate evidence document',
    description:
      'One record of a gate, deploy or check run (schema_version 1): written under deploys/ and checks/ in the evidence bucket, or to the CLI evidence directory.',
    ...rest,
  };
}

/** The file's text: the schema, two-space indented, with a final newline. */
export function evidenceJsonSchemaText(): string {
  return `${JSON.stringify(evidenceJsonSchema(), null, 2)}\n`;
}
