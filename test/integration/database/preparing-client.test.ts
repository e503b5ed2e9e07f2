import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { MAX_PREPARED_PER_CONNECTION, PreparingClient, preparedName } from '../../../src/database/preparing-client.js';
import { createEmptyDatabase, type TestDatabase } from '../../helpers/database.js';

describe(PreparingClient.name, () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  /** One connection, so what it prepared can be read back from the session. */
  const session = async <T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await use(client);
    } finally {
      client.release();
    }
  };
  const prepared = async (client: pg.PoolClient) =>
    ((await client.query(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`)).rows as { statement: string }[]).map((row) => row.statement);

  before(async () => {
    database = await createEmptyDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1, Client: PreparingClient });
    await pool.query(`CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)`);
    await pool.query(`INSERT INTO notes VALUES (1, 'first'), (2, 'second')`);
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('prepares a parameterised statement once per connection and runs it by name after that', async () => {
    await session(async (client) => {
      const text = 'SELECT id, body FROM notes WHERE id = $1';
      const first = await client.query(text, [1]);
      const second = await client.query({ text, values: [2] });

      assert.deepEqual([first.rows, second.rows], [[{ id: 1, body: 'first' }], [{ id: 2, body: 'second' }]]);
      assert.deepEqual((await prepared(client)).filter((statement) => statement === text), [text], 'prepared once, under one name');
    });
  });

  it('keeps a prepared statement working when a migration adds a column to its table', async () => {
    await session(async (client) => {
      const text = 'SELECT body FROM notes WHERE id = $1';
      await client.query(text, [1]);
      await client.query(`ALTER TABLE notes ADD COLUMN tag text`);
      try {
        assert.deepEqual((await client.query(text, [1])).rows, [{ body: 'first' }]);
      } finally {
        await client.query(`ALTER TABLE notes DROP COLUMN tag`);
      }
    });
  });

  it('runs a statement whose row follows its table unnamed, so an added column shows instead of failing', async () => {
    await session(async (client) => {
      const text = 'SELECT * FROM notes WHERE id = $1';
      await client.query(text, [1]);
      await client.query(`ALTER TABLE notes ADD COLUMN tag text`);
      try {
        assert.deepEqual((await client.query(text, [1])).rows, [{ id: 1, body: 'first', tag: null }]);
        assert.ok(!(await prepared(client)).includes(text), 'never prepared');
      } finally {
        await client.query(`ALTER TABLE notes DROP COLUMN tag`);
      }
    });
    // What it avoids: the same text prepared fails once the table has changed.
    await session(async (client) => {
      await client.query({ name: 'star', text: 'SELECT * FROM notes WHERE id = $1', values: [1] });
      await client.query(`ALTER TABLE notes ADD COLUMN tag text`);
      try {
        await assert.rejects(client.query({ name: 'star', text: 'SELECT * FROM notes WHERE id = $1', values: [1] }), /cached plan must not change result type/);
      } finally {
        await client.query(`DEALLOCATE star`).catch(() => undefined);
        await client.query(`ALTER TABLE notes DROP COLUMN tag`);
      }
    });
  });

  it('leaves texts without parameters on the simple protocol, where several statements may run as one', async () => {
    const results = (await pool.query(`SELECT 1 AS one; SELECT 2 AS two`)) as unknown as pg.QueryResult[];
    assert.deepEqual(results.map((result) => result.rows[0]), [{ one: 1 }, { two: 2 }]);
  });

  it(`prepares at most ${MAX_PREPARED_PER_CONNECTION} texts per connection and runs the rest unnamed`, async () => {
    await session(async (client) => {
      const before = (await prepared(client)).length;
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 10; i++) {
        assert.deepEqual((await client.query(`SELECT $1::int + ${i} AS n`, [1])).rows, [{ n: 1 + i }]);
      }
      assert.equal((await prepared(client)).length, Math.max(before, MAX_PREPARED_PER_CONNECTION));
    });
  });

  it('tells which texts may be prepared: fixed row types yes, rows that follow a table no', () => {
    const cases: [string, boolean][] = [
      ['SELECT l.*, EXISTS (SELECT 1 FROM steps s WHERE s.lead_id = l.id) FROM leads l WHERE l.id = $1', false],
      ['UPDATE leads SET status = $1 WHERE id = $2 RETURNING *', false],
      ['SELECT * FROM leads WHERE id = $1', false],
      ['SELECT *\n  FROM pgboss.job WHERE id = $1', false],
      ['SELECT count(*)::int FROM leads WHERE status = $1', true],
      ['INSERT INTO runs (a, b) SELECT * FROM unnest($1::text[], $2::int[])', true],
      ['SELECT *, CASE WHEN x THEN 1 ELSE 2 END AS y FROM json_to_recordset($1::text::json) AS x (id uuid)', true],
      ['SELECT id, body FROM notes WHERE id = $1', true],
    ];
    assert.deepEqual(
      cases.map(([text]) => [text, preparedName(text) !== null]),
      cases,
    );
  });
});
