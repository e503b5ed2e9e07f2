import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { BackupFileError } from '../../../src/database/backup/backup-format.js';
import { QUEUE_COLUMNS, UNFINISHED_JOBS_FILTER } from '../../../src/database/backup/job-queue-tables.js';
import { verifyBackup } from '../../../src/database/backup/read-backup.js';
import { RestoreFailedError, RestoreRefusedError, restoreBackup } from '../../../src/database/backup/restore-backup.js';
import { makeRestorePorts } from '../../../src/database/backup/restore-ports.js';
import { applicationTables } from '../../../src/database/backup/table-catalog.js';
import { writeBackup } from '../../../src/database/backup/write-backup.js';
import { createLogger } from '../../../src/logger.js';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { readLead, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { sampleLead } from '../../helpers/sample-leads.js';
import { startTestServer } from '../../helpers/server.js';

/** Two ordinary leads, and one whose text looks like SQL and HTML: stored and restored verbatim. */
const LEADS = [
  sampleLead(1, 'backup'),
  sampleLead(0, 'backup'),
  {
    name: 'Robert\'); DROP TABLE leads;-- <script>alert(1)</script>',
    email: 'bobby@tables.example',
    message:
      "Bonjour, nous souhaitons une application de suivi des livraisons : nos chauffeurs confirment chaque livraison sur leur téléphone avec une photo, et nos clients suivent leurs colis en ligne. Emoji 🚚 et guillemets « \"quotes\" » \\ backslash.",
    budget: 50000,
  },
];

const logger = createLogger({ level: 'silent' });

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every table's rows as PostgreSQL's own text, in a stable order: what "the same data" means here. */
async function snapshot(url: string): Promise<Record<string, string[]>> {
  return withClient(url, async (client) => {
    await client.query(`SET TIME ZONE 'UTC'`);
    const result: Record<string, string[]> = {};
    for (const table of await applicationTables(client)) {
      const { rows } = await client.query<{ json: string }>(`SELECT row_to_json(t)::text AS json FROM "${table.name}" t ORDER BY 1`);
      result[table.name] = rows.map((row) => row.json);
    }
    const queues = await client.query<{ json: string }>(`SELECT row_to_json(t)::text AS json FROM (SELECT ${QUEUE_COLUMNS.join(', ')} FROM pgboss.queue) t ORDER BY 1`);
    result['pgboss.queue'] = queues.rows.map((row) => row.json);
    const jobs = await client.query<{ json: string }>(`SELECT row_to_json(t)::text AS json FROM (SELECT * FROM pgboss.job WHERE ${UNFINISHED_JOBS_FILTER}) t ORDER BY 1`);
    result['pgboss.job'] = jobs.rows.map((row) => row.json);
    return result;
  });
}

async function publicTableCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = 'public'`);
    return rows[0]!.count;
  });
}

async function backupTo(url: string, file: string) {
  return withClient(url, (client) => writeBackup(client, file));
}

async function restoreInto(url: string, file: string) {
  return withClient(url, (client) => restoreBackup(client, file, makeRestorePorts(url, logger)));
}

describe('backup and restore', () => {
  let source: TestDatabase;
  let folder: string;
  let file: string;
  const targets: TestDatabase[] = [];
  let leadIds: string[] = [];
  let delayedJobId: string | null = null;

  const emptyTarget = async () => {
    const target = await createEmptyDatabase();
    targets.push(target);
    return target;
  };

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'leadpilot-backup-'));
    file = path.join(folder, 'leadpilot.backup.gz');
    source = await createTestDatabase();
    // The source outlives its server, so the backup reads a database no worker still changes.
    const server = await startTestServer({ worker: true, database: source });
    try {
      leadIds = await Promise.all(LEADS.map((lead) => submitLead(server, lead)));
      for (const id of leadIds) await waitForLead(server, id, settled);
      // Work still queued at backup time: a step delayed by an hour.
      delayedJobId = await server.queue.enqueue('lead-qualify', { leadId: leadIds[0]!, generation: 99 }, { startAfter: new Date(Date.now() + 3_600_000) });
    } finally {
      await server.stop();
    }
    // Values that a JavaScript number or Date would round.
    await withClient(source.url, async (client) => {
      await client.query(
        `UPDATE leads SET budget = 9999999999.99, first_response_at = '2026-03-04 05:06:07.123456+02',
           score_details = '{"big": 12345678901234567890123, "fine": 0.1000000000000000055511151231257827, "nested": [null, true, "ü"]}'
         WHERE id = $1`,
        [leadIds[0]],
      );
      await client.query(`UPDATE agent_runs SET cost = 123456.654321 WHERE id = (SELECT id FROM agent_runs ORDER BY id LIMIT 1)`);
    });
  });

  after(async () => {
    for (const target of targets) await target.drop();
    await source?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('restores into a brand-new database every table, row by row, and the system works on it', async () => {
    const summary = await backupTo(source.url, file);
    assert.equal(summary.rows['public.leads'], LEADS.length);
    assert.ok(summary.rows['public.proposals']! >= LEADS.length - 1, 'the pipeline wrote proposals');
    assert.ok(summary.rows['public.agent_runs']! > 0);
    assert.equal(summary.rows['pgboss.job'], 1, 'the delayed job is the only unfinished one');

    const target = await emptyTarget();
    const restored = await restoreInto(target.url, file);
    assert.equal(restored.migratedFirst, true);

    const before = await snapshot(source.url);
    const afterRestore = await snapshot(target.url);
    assert.deepEqual(Object.keys(afterRestore).sort(), Object.keys(before).sort());
    for (const table of Object.keys(before)) assert.deepEqual(afterRestore[table], before[table], `table ${table} differs`);
    assert.ok(before['leads']!.some((row) => row.includes('"budget":9999999999.99') && row.includes('2026-03-04T03:06:07.123456+00:00')));
    assert.ok(before['leads']!.some((row) => row.includes('12345678901234567890123')));
    assert.ok(before['pgboss.job']!.some((row) => row.includes(delayedJobId!)));

    // The restored database serves: old leads read back, a new lead goes through the pipeline.
    const server = await startTestServer({ worker: true, database: target });
    try {
      const old = await readLead(server, leadIds[2]!);
      assert.equal(old.proposals.length > 0 || old.status !== 'NEW', true);
      const id = await submitLead(server, { ...LEADS[0]!, email: 'second@brookslearning-backup.co.uk' });
      const lead = await waitForLead(server, id, settled);
      assert.equal(lead.status, 'AWAITING_APPROVAL');
    } finally {
      await server.stop();
    }
  });

  it('refuses a target that holds data, and writes nothing', async () => {
    const target = await emptyTarget();
    await restoreInto(target.url, file);
    const before = await snapshot(target.url);
    await assert.rejects(restoreInto(target.url, file), (error: Error) => error instanceof RestoreRefusedError && /not empty: .*leads/.test(error.message));
    assert.deepEqual(await snapshot(target.url), before);
  });

  it('refuses a target at another schema version', async () => {
    const target = await emptyTarget();
    await withClient(target.url, (client) => client.query('CREATE TABLE migrations (id serial PRIMARY KEY, timestamp bigint NOT NULL, name text NOT NULL)'));
    await assert.rejects(restoreInto(target.url, file), (error: Error) => error instanceof RestoreRefusedError && /another schema version/.test(error.message));
  });

  it('refuses a file with one changed byte, before touching the database', async () => {
    const text = gunzipSync(await readFile(file)).toString('utf8');
    const at = text.indexOf('Katrin Vogel');
    assert.ok(at > 0);
    // "Katrin" becomes "Kotrin": still valid JSON, so only the checksum can tell.
    const altered = `${text.slice(0, at + 1)}o${text.slice(at + 2)}`;
    assert.notEqual(altered, text);
    const alteredFile = path.join(folder, 'altered.gz');
    await writeFile(alteredFile, gzipSync(altered));
    const target = await emptyTarget();
    await assert.rejects(restoreInto(target.url, alteredFile), (error: Error) => error instanceof BackupFileError && /checksum/.test(error.message));
    assert.equal(await publicTableCount(target.url), 0, 'nothing was written, not even the migrations');

    // A byte changed in the compressed stream, and a cut-off file.
    const raw = await readFile(file);
    const flipped = Buffer.from(raw);
    flipped[Math.floor(raw.length / 2)]! ^= 0x20;
    await writeFile(alteredFile, flipped);
    await assert.rejects(restoreInto(target.url, alteredFile), BackupFileError);
    // Wherever the byte is (past gzip's header, whose time stamp nothing checks), a change that
    // changes the content is refused. Deflate has a little slack (about one bit flip in 100,000
    // decodes to the very same text); such a file holds the backup unchanged and may be restored.
    const content = gunzipSync(raw);
    for (let at = 10; at < raw.length - 9; at += Math.ceil(raw.length / 64)) {
      const changed = Buffer.from(raw);
      changed[at]! ^= 0x01;
      await writeFile(alteredFile, changed);
      if (decodesTo(changed, content)) continue;
      await assert.rejects(verifyBackup(alteredFile), BackupFileError, `byte ${at}`);
    }
    await writeFile(alteredFile, raw.subarray(0, raw.length - 40));
    await assert.rejects(restoreInto(target.url, alteredFile), BackupFileError);
    assert.equal(await publicTableCount(target.url), 0);
  });

  it('rolls back everything when a row fails to load, naming no value of it', async () => {
    // A well-formed file whose checksum holds but whose last lead breaks a check constraint: a
    // backup from a database that allowed what this one does not.
    const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
    const leadLines = lines.map((line, index) => (line.startsWith('{"row":') && line.includes('"pipeline_generation"') ? index : -1)).filter((index) => index >= 0);
    const last = leadLines[leadLines.length - 1]!;
    lines[last] = lines[last]!.replace(/"language":"[a-z]+"/, '"language":"xx"');
    const trailer = JSON.parse(lines.pop()!) as { trailer: { rows: Record<string, number>; sha256: string } };
    const content = lines.map((line) => `${line}\n`).join('');
    trailer.trailer.sha256 = createHash('sha256').update(content).digest('hex');
    const badFile = path.join(folder, 'bad-row.gz');
    await writeFile(badFile, gzipSync(`${content}${JSON.stringify(trailer)}\n`));

    const target = await emptyTarget();
    await assert.rejects(restoreInto(target.url, badFile), (error: Error) => {
      assert.ok(error instanceof RestoreFailedError, String(error));
      assert.match(error.message, /public\.leads failed \(23514: .*leads_language_check/);
      for (const lead of LEADS) assert.ok(!error.message.includes(String(lead.email)));
      return true;
    });
    const counts = await withClient(target.url, async (client) => {
      const { rows } = await client.query<{ leads: number; keys: number }>('SELECT (SELECT count(*)::int FROM leads) AS leads, (SELECT count(*)::int FROM api_keys) AS keys');
      return rows[0]!;
    });
    assert.deepEqual(counts, { leads: 0, keys: 0 }, 'the tables loaded before the failing one were rolled back too');
    // Migrated but empty: the same restore of a good file goes through now.
    await restoreInto(target.url, file);
  });
});

/** Whether a changed gzip file still decodes, CRC and all, to exactly this content. */
function decodesTo(file: Buffer, content: Buffer): boolean {
  try {
    return gunzipSync(file).equals(content);
  } catch {
    return false;
  }
}
