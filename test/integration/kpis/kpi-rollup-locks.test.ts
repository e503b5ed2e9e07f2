import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

/**
 * The roll-ups every lead adds to (lead_kpi_days per day and measure, stage_days per day, stage
 * and shard) are written when a transaction commits, so a change waits for no other open
 * transaction that touched the same day. Each case holds one transaction open and makes a second
 * change with a lock timeout: with the roll-up written at the statement, the second would wait
 * for the first and time out.
 */
describe('KPI roll-ups under concurrent transactions', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  const newLead = async (client: pg.ClientBase | pg.Pool, name: string): Promise<string> =>
    ((await client.query(`INSERT INTO leads (name, email, message, language, source) VALUES ($1, $1 || '@example.com', 'Need a portal', 'en', 'api') RETURNING id`, [name])).rows[0] as { id: string }).id;
  const leadsToday = async (): Promise<number> =>
    Number((await pool.query(`SELECT coalesce(sum(count), 0) AS n FROM lead_kpi_days WHERE measure = 'leads' AND day = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`)).rows[0].n);
  const enteredToday = async (stage: string): Promise<number> =>
    Number((await pool.query(`SELECT coalesce(sum(entered), 0) AS n FROM stage_days WHERE subject = 'lead' AND stage = $1 AND day = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`, [stage])).rows[0].n);

  /** `first` runs in a transaction left open while `second` runs alone with a lock timeout and commits; then `first` commits. */
  async function whileOpen(first: (client: pg.ClientBase) => Promise<void>, second: (client: pg.ClientBase) => Promise<void>): Promise<void> {
    const [holder, other] = [await pool.connect(), await pool.connect()];
    try {
      await holder.query('BEGIN');
      await first(holder);
      await other.query(`SET lock_timeout = '300ms'`);
      await second(other);
      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      other.release();
    }
  }

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("captures a lead while another capture's transaction is still open, and counts both", async () => {
    const before = await leadsToday();

    await whileOpen(
      async (client) => void (await newLead(client, 'Held Open')),
      async (client) => void (await newLead(client, 'Not Waiting')),
    );

    assert.equal(await leadsToday(), before + 2);
  });

  it('moves a lead into a stage while another lead moving into it on the same row is still open, and counts both', async () => {
    // Two leads whose stage_days rows are the same (the shard is a hash of the id).
    const ids: string[] = [];
    const shards = new Map<number, string>();
    let pair: [string, string] | undefined;
    while (!pair) {
      const id = await newLead(pool, `Shard ${ids.length}`);
      ids.push(id);
      const shard = Number((await pool.query(`SELECT abs(hashtext($1::text)) % 8 AS shard`, [id])).rows[0].shard);
      const twin = shards.get(shard);
      if (twin) pair = [twin, id];
      else shards.set(shard, id);
    }
    const before = await enteredToday('qualifying');

    await whileOpen(
      async (client) => void (await client.query(`UPDATE leads SET status = 'qualifying' WHERE id = $1`, [pair![0]])),
      async (client) => void (await client.query(`UPDATE leads SET status = 'qualifying' WHERE id = $1`, [pair![1]])),
    );

    assert.equal(await enteredToday('qualifying'), before + 2);
  });

  it('adds nothing for a transaction that rolls back', async () => {
    const before = await leadsToday();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await newLead(client, 'Rolled Back');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    assert.equal(await leadsToday(), before);
  });
});
