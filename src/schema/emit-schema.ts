/** `npm run schema`: writes the SDL to src/schema/schema.graphql, which is committed and reviewed like code. */
import { buildLeadpilotSchema } from './build-schema.js';
import { SCHEMA_FILE } from './schema-file.js';

await buildLeadpilotSchema({ emitSchemaFile: SCHEMA_FILE });
process.stdout.write(`Wrote ${SCHEMA_FILE}\n`);
