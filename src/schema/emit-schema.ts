/** `npm run schema`: writes the SDL to src/schema/schema.graphql, which is committed and reviewed like code. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLeadpilotSchema } from './build-schema.js';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/schema/schema.graphql');

await buildLeadpilotSchema({ emitSchemaFile: SCHEMA_FILE });
process.stdout.write(`Wrote ${SCHEMA_FILE}\n`);
