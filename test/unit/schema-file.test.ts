import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildLeadpilotSchema } from '../../src/schema/build-schema.js';
import { SCHEMA_FILE } from '../../src/schema/schema-file.js';

describe('schema.graphql', () => {
  it('matches the schema the code builds', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-schema-'));
    try {
      const fresh = path.join(scratch, 'schema.graphql');
      // The same emitter `npm run schema` uses, so formatting never differs, only content.
      await buildLeadpilotSchema({ emitSchemaFile: fresh });
      const [committed, built] = await Promise.all([readFile(SCHEMA_FILE, 'utf8'), readFile(fresh, 'utf8')]);
      assert.ok(committed === built, `src/schema/schema.graphql is stale: run npm run schema and commit the result.`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
