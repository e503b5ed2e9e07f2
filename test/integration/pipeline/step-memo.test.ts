import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { makeDataSource } from '../../../src/database/data-source.js';
import { recordStepOfCurrentLead } from '../../../src/pipeline/step-memo.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

describe('recordStepOfCurrentLead', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let pool: pg.Pool;

  const newLead = async (): Promise<string> =>
    ((await pool.query(`INSERT INTO leads (name, email, message, language, source) VALUES ('Ada', 'ada@example.com', 'Need a portal', 'en', 'api') RETURNING id`)).rows[0] as { id: string }).id;
  /** Records `key` in a transaction of its own that gives up on any lock after 300 ms. */
  const record = (leadId: string, key: string, generation = 1) =>
    dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '300ms'`);
      return recordStepOfCurrentLead(manager, { leadId, generation, key, step: 'design', output: { key } });
    });
  /** Runs `change` in a transaction held open while `during` runs, then rolls it back. */
  async function whileOpen<T>(change: (client: pg.ClientBase) => Promise<unknown>, during: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await change(client);
      return await during();
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  before(async () => {
    database = await createTestDatabase();
    dataSource = makeDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    await pool?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('records a key once: a second delivery of the same step finds it taken', async () => {
    const leadId = await newLead();
    assert.equal(await record(leadId, 'design:1'), true);
    assert.equal(await record(leadId, 'design:1'), false);
    assert.equal(await record(leadId, 'design:2'), true);
  });

  it('records nothing for a generation the lead has left, or an erased lead', async () => {
    const [stale, erased] = [await newLead(), await newLead()];
    await pool.query(`UPDATE leads SET pipeline_generation = 2 WHERE id = $1`, [stale]);
    await pool.query(`UPDATE leads SET erased_at = now() WHERE id = $1`, [erased]);

    assert.deepEqual([await record(stale, 'design:1', 1), await record(erased, 'design:1', 1)], [false, false]);
    assert.equal((await pool.query(`SELECT count(*)::int AS n FROM lead_pipeline_steps WHERE lead_id = ANY($1::uuid[])`, [[stale, erased]])).rows[0].n, 0);
  });

  it("does not wait for another transaction still writing a row that refers to the lead (its activity, its agent run)", async () => {
    const leadId = await newLead();
    const recorded = await whileOpen(
      (client) => client.query(`INSERT INTO lead_activities (lead_id, type, data, actor) VALUES ($1, 'note', '{}', 'system')`, [leadId]),
      () => record(leadId, 'design:1'),
    );
    assert.equal(recorded, true);
  });

  it('waits for a re-run of the lead still in flight, which would make the step stale', async () => {
    const leadId = await newLead();
    await assert.rejects(
      whileOpen(
        (client) => client.query(`UPDATE leads SET pipeline_generation = pipeline_generation + 1 WHERE id = $1`, [leadId]),
        () => record(leadId, 'design:1'),
      ),
      /lock timeout/,
    );
  });
});
