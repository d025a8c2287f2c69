// Writes the published JSON Schemas from their zod schemas (npm run schema): schema/rollgate.config.schema.json (the
// config file) and schema/evidence.schema.json (an evidence record). A test fails when a checked-in file and its
// schema disagree, so run this after changing lambda/core/config/ or the evidence model.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_JSON_SCHEMA_FILE, rollgateConfigJsonSchemaText } from '../lambda/core/config/config-json-schema.ts';
import { EVIDENCE_JSON_SCHEMA_FILE, evidenceJsonSchemaText } from '../lambda/core/evidence/evidence-json-schema.ts';

for (const [file, text] of [
  [CONFIG_JSON_SCHEMA_FILE, rollgateConfigJsonSchemaText()],
  [EVIDENCE_JSON_SCHEMA_FILE, evidenceJsonSchemaText()],
] as const) {
  writeFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), text);
  console.log(`wrote ${file}`);
}
