import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed SDL, in the source tree (this module runs from dist/src/schema). */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/schema/schema.graphql');
