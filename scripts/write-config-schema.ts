// Writes schema/rollgate.config.schema.json from the config's zod schema (npm run schema). A test fails when the
// checked-in file and the schema disagree, so run this after changing lambda/core/config/.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_JSON_SCHEMA_FILE, rollgateConfigJsonSchemaText } from '../lambda/core/config/config-json-schema.ts';

const target = fileURLToPath(new URL(`../${CONFIG_JSON_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, rollgateConfigJsonSchemaText());
console.log(`wrote ${CONFIG_JSON_SCHEMA_FILE}`);
