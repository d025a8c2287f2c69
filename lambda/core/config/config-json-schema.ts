// The JSON Schema of rollgate.config.json, generated from its zod schema (rollgate-config-schema.ts), so editors
// complete and check the file with the very rules `cdk synth` and the CLI apply. `npm run schema` writes it to
// schema/rollgate.config.schema.json, which the package ships and a test keeps equal to this.

import * as z from 'zod/mini';
import { rollgateConfigSchema } from './rollgate-config-schema.ts';

/** Where the package keeps the file, from its root. */
export const CONFIG_JSON_SCHEMA_FILE = 'schema/rollgate.config.schema.json';

/**
 * The schema as editors read it: draft-07 (the draft editors support most widely), the input side (fields with
 * defaults are optional). Rules across fields (a monitor naming a registered service) are the schema's checks, which
 * JSON Schema cannot say; synth and the CLI still apply them.
 */
export function rollgateConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(rollgateConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'rollgate.config.json',
    description:
      'Rollgate: the stack (stackName, alerts, services, monitors...) and the CLI gate (targets, timeoutMs...) in one file.',
    ...rest,
  };
}

/** The file's text: the schema, two-space indented, with a final newline. */
export function rollgateConfigJsonSchemaText(): string {
  return `${JSON.stringify(rollgateConfigJsonSchema(), null, 2)}\n`;
}
