import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import initSqlJs, { type Database } from 'sql.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { runCli } from '../../helpers/process.js';

/**
 * The old system's schema as the phase-3 plan (section 1) left it: leads first had only `id`;
 * the plan's migration added `lead_id` (copied from id where empty) and the qualification
 * columns; lead_activities and solution_designs refer to leads by `lead_id`.
 */
const OLD_LEADS = `CREATE TABLE leads (id TEXT, name TEXT, email TEXT, company TEXT, phone TEXT, website TEXT, message TEXT, budget TEXT, timeline TEXT, status TEXT, source TEXT, created_at TEXT)`;
const PLAN_MIGRATION = `
  ALTER TABLE leads ADD COLUMN lead_id TEXT;
  UPDATE leads SET lead_id = id WHERE lead_id IS NULL;
  ALTER TABLE leads ADD COLUMN fit_score REAL;
  ALTER TABLE leads ADD COLUMN qualification_date TEXT;
  ALTER TABLE leads ADD COLUMN priority TEXT;
  ALTER TABLE leads ADD COLUMN next_action TEXT;
  ALTER TABLE leads ADD COLUMN score_details TEXT;
  CREATE TABLE IF NOT EXISTS lead_activities (id INTEGER PRIMARY KEY AUTOINCREMENT, lead_id TEXT, activity_type TEXT, activity_data TEXT, created_at TEXT);
  CREATE TABLE IF NOT EXISTS solution_designs (id INTEGER PRIMARY KEY AUTOINCREMENT, lead_id TEXT, design_data TEXT, created_at TEXT, updated_at TEXT);`;

type Row = Record<string, string | number | null>;

function insert(database: Database, table: string, row: Row): void {
  const columns = Object.keys(row);
  database.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, Object.values(row));
}

async function legacyFile(directory: string, name: string, build: (database: Database) => void): Promise<string> {
  const SQL = await initSqlJs();
  const database = new SQL.Database();
  build(database);
  const file = path.join(directory, name);
  await writeFile(file, database.export());
  database.close();
  return file;
}

function buildOldSystem(database: Database): void {
  database.run(OLD_LEADS);
  // Before the plan's migration: `id` only.
  insert(database, 'leads', { id: 'L-1', name: 'Anna Berger', email: 'anna@berger-bau.example', company: 'Berger Bau', message: 'Wir brauchen ein Kundenportal für unsere Bauprojekte.', budget: '15.000 €', status: 'qualified', created_at: '2025-06-01 10:00:00' });
  insert(database, 'leads', { id: 'L-2', name: 'No Mail', email: null, message: 'Call me maybe.', status: 'new' });
  database.exec(PLAN_MIGRATION);
  // After it: new rows with `lead_id` only, and one written the old way with `id` only.
  insert(database, 'leads', { id: null, lead_id: 'L-3', name: 'Bruno Keller', email: 'bruno@keller.example', message: 'We need a booking app for our climbing gyms.', status: 'won', fit_score: 0.82, priority: 'HIGH', score_details: '{"fit":"good","reasons":["clear need"]}', qualification_date: '2025-06-10T08:30:00Z' });
  insert(database, 'leads', { id: 'L-4', lead_id: null, name: 'Chloé Martin', email: 'chloe@martin.example', message: 'Nous avons besoin d’une application pour gérer les rendez-vous de nos clients.', status: 'Proposal Sent', budget: '20k' });
  insert(database, 'leads', { id: null, lead_id: 'L-5', name: 'Broken Json', email: 'broken@example.com', message: 'x', score_details: '{broken' });
  insert(database, 'leads', { id: null, lead_id: 'L-3', name: 'Bruno Again', email: 'bruno2@keller.example', message: 'duplicate id' });
  insert(database, 'leads', { id: 'L-7', lead_id: 'L-7', name: 'Bad Mail', email: 'not-an-address', message: 'x' });
  insert(database, 'leads', { id: null, lead_id: null, name: 'Nobody', email: 'nobody@example.com', message: 'no id at all' });

  insert(database, 'lead_activities', { lead_id: 'L-1', activity_type: 'email_sent', activity_data: '{"subject":"Hallo"}', created_at: '2025-06-02 09:00:00' });
  insert(database, 'lead_activities', { lead_id: 'L-3', activity_type: 'qualified', activity_data: '{"score":82}' });
  insert(database, 'lead_activities', { lead_id: 'L-4', activity_type: 'Note Added', activity_data: null });
  insert(database, 'lead_activities', { lead_id: 'L-99', activity_type: 'email_sent', activity_data: '{}' });
  insert(database, 'lead_activities', { lead_id: 'L-1', activity_type: 'email_sent', activity_data: '{oops' });
  insert(database, 'lead_activities', { lead_id: 'L-2', activity_type: 'called', activity_data: '{}' });

  insert(database, 'solution_designs', { lead_id: 'L-1', design_data: '{"summary":"Customer portal","components":["auth","documents"],"tech_stack":["TypeScript"],"confidence":75}', created_at: '2025-06-03 12:00:00' });
  insert(database, 'solution_designs', { lead_id: 'L-1', design_data: '{"summary":"Customer portal, smaller","components":["auth"]}' });
  insert(database, 'solution_designs', { lead_id: 'L-3', design_data: 'not json' });
  insert(database, 'solution_designs', { lead_id: 'L-5', design_data: '{"summary":"for a rejected lead"}' });
}

describe('leadpilot import-legacy', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let scratch: string;
  let oldSystem: string;
  before(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-legacy-'));
    oldSystem = await legacyFile(scratch, 'old-system.sqlite', buildOldSystem);
  });
  after(async () => {
    await client?.end();
    await database?.drop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const count = async (sql: string) => ((await client.query(sql)).rows[0] as { count: number }).count;
  const importLegacy = (file: string) => runCli(['import-legacy', file], { DATABASE_URL: database.url });

  it('imports both id variants, rejects broken rows with their reasons, and starts no pipeline', async () => {
    const result = await importLegacy(oldSystem);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /leads\s+imported 3, skipped 0 \(imported before\), rejected 5 — of 8 rows/);
    assert.match(result.stdout, /lead_activities\s+imported 3, skipped 0 \(imported before\), rejected 3 — of 6 rows/);
    assert.match(result.stdout, /solution_designs\s+imported 2, skipped 0 \(imported before\), rejected 2 — of 4 rows/);
    for (const reason of [
      /leads row 2 \(id "L-2"\): missing e-mail address/,
      /leads row 5 \(id "L-5"\): score_details is not valid JSON/,
      /leads row 6 \(id "L-3"\): duplicate id "L-3": row 3 has it too/,
      /leads row 7 \(id "L-7"\): the e-mail address is not valid/,
      /leads row 8: neither id nor lead_id is set/,
      /lead_activities row 4 \(id "4"\): orphan: no lead with id "L-99" in the file/,
      /lead_activities row 5 \(id "5"\): activity_data is not valid JSON/,
      /lead_activities row 6 \(id "6"\): its lead "L-2" was not imported/,
      /solution_designs row 3 \(id "3"\): design_data is not valid JSON/,
      /solution_designs row 4 \(id "4"\): its lead "L-5" was not imported/,
    ]) {
      assert.match(result.stdout, reason);
    }
    // Not a terminal: plain progress lines on stderr, ending at the totals.
    assert.match(result.stderr, /^leads: 8\/8$/m);
    assert.match(result.stderr, /^solution_designs: 4\/4$/m);

    const leads = (await client.query(`SELECT l.name, l.status, l.source, l.language, l.fit_score, l.priority, l.budget, l.score_details, l.first_response_at, l.created_at, m.legacy_id
      FROM leads l JOIN legacy_imports m ON m.target_id = l.id AND m.source_table = 'leads' ORDER BY m.legacy_id`)).rows;
    assert.deepEqual(leads.map((lead) => [lead.legacy_id, lead.name, lead.status, lead.source]), [
      ['L-1', 'Anna Berger', 'in_progress', 'import'],
      ['L-3', 'Bruno Keller', 'won', 'import'],
      ['L-4', 'Chloé Martin', 'sent', 'import'],
    ]);
    assert.equal(leads[0].language, 'de');
    assert.equal(leads[0].budget, '15000.00');
    assert.equal(leads[0].created_at.toISOString(), '2025-06-01T10:00:00.000Z');
    assert.deepEqual([leads[1].fit_score, leads[1].priority], [82, 'high']);
    assert.deepEqual(leads[1].score_details, { fit: 'good', reasons: ['clear need'] });
    assert.equal(leads[2].language, 'fr');
    assert.equal(leads[2].budget, '20000.00');
    assert.ok(leads.every((lead) => lead.first_response_at === null), 'no first reply');

    assert.equal(await count(`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'lead-intake'`), 0, 'imported leads start no pipeline');
    assert.equal(await count(`SELECT count(*)::int AS count FROM outbound_messages`), 0, 'and no e-mail');

    const activities = (await client.query(`SELECT a.type, a.data, a.actor, a.created_at FROM lead_activities a JOIN legacy_imports m ON m.target_id = a.id AND m.source_table = 'lead_activities' ORDER BY m.legacy_id`)).rows;
    assert.deepEqual(activities.map((activity) => activity.type), ['legacy.email_sent', 'legacy.qualified', 'legacy.note_added']);
    assert.deepEqual(activities[0].data, { subject: 'Hallo', legacyId: '1' });
    assert.equal(activities[0].created_at.toISOString(), '2025-06-02T09:00:00.000Z');
    assert.ok(activities.every((activity) => activity.actor === 'import:legacy'));

    const designs = (await client.query(`SELECT d.revision, d.summary, d.components, d.stack, d.confidence FROM solution_designs d ORDER BY d.revision`)).rows;
    assert.deepEqual(designs.map((design) => [design.revision, design.summary]), [[1, 'Customer portal'], [2, 'Customer portal, smaller']]);
    assert.deepEqual(designs[0].components, ['auth', 'documents']);
    assert.deepEqual(designs[0].stack, ['TypeScript']);
    assert.equal(designs[0].confidence, 0.75);
  });

  it('skips everything on a second run and imports only what is new on a third', async () => {
    const counts = async () => [
      await count(`SELECT count(*)::int AS count FROM leads`),
      await count(`SELECT count(*)::int AS count FROM lead_activities`),
      await count(`SELECT count(*)::int AS count FROM solution_designs`),
      await count(`SELECT count(*)::int AS count FROM legacy_imports`),
    ];
    const before = await counts();
    const again = await importLegacy(oldSystem);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /leads\s+imported 0, skipped 3 \(imported before\), rejected 5/);
    assert.match(again.stdout, /lead_activities\s+imported 0, skipped 3 \(imported before\), rejected 3/);
    assert.match(again.stdout, /solution_designs\s+imported 0, skipped 2 \(imported before\), rejected 2/);
    assert.deepEqual(await counts(), before);

    const grown = await legacyFile(scratch, 'old-system-later.sqlite', (database) => {
      buildOldSystem(database);
      insert(database, 'leads', { id: null, lead_id: 'L-10', name: 'Dora Novak', email: 'dora@novak.example', message: 'A shop for our bakery.', status: 'new' });
      insert(database, 'lead_activities', { lead_id: 'L-10', activity_type: 'created', activity_data: '{}' });
      insert(database, 'solution_designs', { lead_id: 'L-3', design_data: '{"summary":"Booking app"}' });
    });
    const third = await importLegacy(grown);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /leads\s+imported 1, skipped 3 \(imported before\), rejected 5 — of 9 rows/);
    assert.match(third.stdout, /lead_activities\s+imported 1, skipped 3/);
    assert.match(third.stdout, /solution_designs\s+imported 1, skipped 2/);
    const after = await counts();
    // One lead with its lead.imported activity, one legacy activity, one design; five mappings.
    assert.deepEqual(after, [before[0]! + 1, before[1]! + 2, before[2]! + 1, before[3]! + 3]);
  });

  it('takes a file from before the plan (leads only, ids in `id`), and says what is wrong with a file it cannot read', async () => {
    const early = await legacyFile(scratch, 'early.sqlite', (database) => {
      database.run(OLD_LEADS);
      insert(database, 'leads', { id: 'E-1', name: 'Early Bird', email: 'early@example.com', message: 'An intranet.', status: 'lost' });
    });
    const result = await importLegacy(early);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /leads\s+imported 1, skipped 0 \(imported before\), rejected 0 — of 1 rows/);
    assert.match(result.stdout, /lead_activities\s+no such table in the file/);
    assert.equal(await count(`SELECT count(*)::int AS count FROM legacy_imports WHERE legacy_id = 'E-1'`), 1);

    const notSqlite = path.join(scratch, 'notes.sqlite');
    await writeFile(notSqlite, 'these are not the tables you are looking for\n'.repeat(200));
    const bad = await importLegacy(notSqlite);
    assert.equal(bad.code, 66);
    assert.match(bad.stderr, /is not a SQLite database/);

    const missing = await importLegacy(path.join(scratch, 'nowhere.sqlite'));
    assert.equal(missing.code, 66);
    assert.match(missing.stderr, /No such file/);

    const usage = await runCli(['import-legacy'], { DATABASE_URL: database.url });
    assert.equal(usage.code, 64);
    assert.match(usage.stderr, /takes one argument/);
  });
});
