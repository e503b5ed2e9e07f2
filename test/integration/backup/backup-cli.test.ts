import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { postgresProcessesFor, runCli, type CliResult } from '../../helpers/process.js';
import { migrations } from '../../../migrations/index.js';

async function apiKeyRows(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET TIME ZONE 'UTC'`);
    const { rows } = await client.query<{ json: string }>('SELECT row_to_json(k)::text AS json FROM api_keys k ORDER BY 1');
    return rows.map((row) => row.json);
  } finally {
    await client.end();
  }
}

function assertNoSecret(result: CliResult, secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'a secret reached the output');
  }
}

describe('leadpilot backup and restore, the command line', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-backup-cli-'));
    // The embedded server's own user must be able to pass through (when running as root).
    await chmod(scratch, 0o755);
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  describe('against DATABASE_URL', () => {
    let source: TestDatabase;
    const targets: TestDatabase[] = [];
    before(async () => {
      source = await createTestDatabase();
    });
    after(async () => {
      for (const target of targets) await target.drop();
      await source.drop();
    });

    it('backs up, restores into a new database, refuses a second restore and a corrupt file', async () => {
      const created = await runCli(['api-key', 'create', '--name', 'ops', '--role', 'admin'], { DATABASE_URL: source.url });
      assert.equal(created.code, 0, created.stderr);
      const key = /^\s+(lp_\S+)$/m.exec(created.stdout)![1]!;
      const password = decodeURIComponent(new URL(source.url).password);
      const secrets = [key, ...(password ? [password] : [])];

      const file = path.join(scratch, 'external.backup.gz');
      const backup = await runCli(['backup', file], { DATABASE_URL: source.url });
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, new RegExp(`Backed up \\d+ rows from \\d+ tables \\(schema version: ${migrations.length} migrations\\)`));
      assert.match(backup.stdout, /public\.api_keys: 1\n/);
      assertNoSecret(backup, secrets);
      assert.equal((await stat(file)).mode & 0o077, 0, 'only its owner may read the file');

      const again = await runCli(['backup', file], { DATABASE_URL: source.url });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists; pass --force/);

      const target = await createEmptyDatabase();
      targets.push(target);
      const restored = await runCli(['restore', file], { DATABASE_URL: target.url });
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /Migrated the new database to the backup's schema version, then restored \d+ rows/);
      assertNoSecret(restored, secrets);
      assert.deepEqual(await apiKeyRows(target.url), await apiKeyRows(source.url));

      const refused = await runCli(['restore', file], { DATABASE_URL: target.url });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /Restore refused: The target database is not empty: api_keys/);

      const text = gunzipSync(await readFile(file)).toString('utf8');
      const corrupt = path.join(scratch, 'corrupt.backup.gz');
      await writeFile(corrupt, gzipSync(text.replace('"name":"ops"', '"name":"opz"')));
      const fresh = await createEmptyDatabase();
      targets.push(fresh);
      const rejected = await runCli(['restore', corrupt], { DATABASE_URL: fresh.url });
      assert.equal(rejected.code, 65, rejected.stderr);
      assert.match(rejected.stderr, /checksum does not match.*Nothing was written/);

      const missing = await runCli(['restore', path.join(scratch, 'nope.gz')], { DATABASE_URL: fresh.url });
      assert.equal(missing.code, 66);
      const usage = await runCli(['backup'], { DATABASE_URL: fresh.url });
      assert.equal(usage.code, 64);
      assert.match(usage.stderr, /backup takes one argument/);
    });
  });

  it('backs up the embedded database and restores it into a new DATA_DIR', async () => {
    const first = path.join(scratch, 'first');
    const second = path.join(scratch, 'second');
    const created = await runCli(['api-key', 'create', '--name', 'embedded-ops', '--role', 'approver'], { DATA_DIR: first });
    assert.equal(created.code, 0, created.stderr);
    const id = /Created API key (\S+)/.exec(created.stdout)![1]!;
    const key = /^\s+(lp_\S+)$/m.exec(created.stdout)![1]!;

    const file = path.join(scratch, 'embedded.backup.gz');
    const backup = await runCli(['backup', file], { DATA_DIR: first });
    assert.equal(backup.code, 0, backup.stderr);
    const { password } = JSON.parse(await readFile(path.join(first, 'embedded-postgres.json'), 'utf8')) as { password: string };
    assertNoSecret(backup, [key, password]);

    const restored = await runCli(['restore', file], { DATA_DIR: second });
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /then restored \d+ rows/);

    const listed = await runCli(['api-key', 'list'], { DATA_DIR: second });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\tembedded-ops\\tapprover\\t`));

    const refused = await runCli(['restore', file], { DATA_DIR: second });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not empty/);
    assert.deepEqual(postgresProcessesFor(first), []);
    assert.deepEqual(postgresProcessesFor(second), []);
  });
});
