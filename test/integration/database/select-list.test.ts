import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { LEAD_COLUMNS, PROPOSAL_COLUMNS } from '../../../bench/reads/reads-sql.js';
import { makeDataSource } from '../../../src/database/data-source.js';
import { selectList } from '../../../src/database/entity-rows.js';
import { Lead } from '../../../src/entities/lead.entity.js';
import { Proposal } from '../../../src/entities/proposal.entity.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

describe('selectList', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  before(async () => {
    database = await createTestDatabase();
    dataSource = makeDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("names every column of the entity's table, so a raw read sees what `SELECT *` would", async () => {
    for (const [table, target] of [['leads', Lead], ['proposals', Proposal]] as const) {
      const columns = (await dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [table])) as { column_name: string }[];
      assert.deepEqual(
        selectList(dataSource, target).split(', ').sort(),
        columns.map((column) => `"${column.column_name}"`).sort(),
        table,
      );
    }
  });

  it('qualifies the columns with an alias when given one', () => {
    assert.match(selectList(dataSource, Lead, 'l'), /^l\."id", l\."name", /);
  });

  it("is what the reads benchmark's baseline sends, so both servers run the same statements", () => {
    assert.equal(selectList(dataSource, Lead), LEAD_COLUMNS);
    assert.equal(selectList(dataSource, Proposal), PROPOSAL_COLUMNS);
  });
});
