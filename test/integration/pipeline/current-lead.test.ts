import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { makeDataSource } from '../../../src/database/data-source.js';
import { LeadStatus } from '../../../src/entities/enums.js';
import { createLogger } from '../../../src/logger.js';
import { currentLeadWithInputs } from '../../../src/pipeline/step-runner.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

describe('currentLeadWithInputs', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let context: { dataSource: DataSource; logger: ReturnType<typeof createLogger> };

  const newLead = async (status = LeadStatus.IN_PROGRESS, generation = 2): Promise<string> =>
    ((await dataSource.query(
      `INSERT INTO leads (name, email, message, language, source, status, pipeline_generation) VALUES ('Ada', 'ada@example.com', 'Need a portal', 'en', 'api', $1, $2) RETURNING id`,
      [status, generation],
    )) as { id: string }[])[0]!.id;
  const recorded = (leadId: string, generation: number, key: string, step: string, output: unknown) =>
    dataSource.query(`INSERT INTO lead_pipeline_steps (lead_id, key, step, generation, output) VALUES ($1, $2, $3, $4, $5)`, [leadId, key, step, generation, JSON.stringify(output)]);

  before(async () => {
    database = await createTestDatabase();
    dataSource = makeDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    context = { dataSource, logger: createLogger({ level: 'silent' }) };
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads the lead with the outputs the step works from: this generation's by key, a step's newest from any", async () => {
    const leadId = await newLead();
    await recorded(leadId, 1, '1:requirements', 'requirements', { version: 'old' });
    await recorded(leadId, 2, '2:requirements', 'requirements', { version: 'new', text: 'with "quotes" and <tags>' });
    await recorded(leadId, 1, '1:estimate:d1', 'estimate', { days: 3 });
    await recorded(leadId, 2, '2:estimate:d1', 'estimate', { days: 5 });

    const current = await currentLeadWithInputs(context, { leadId, generation: 2 }, [LeadStatus.IN_PROGRESS], '2:price:d1', {
      keys: ['2:estimate:d1', '2:design'],
      latest: ['requirements', 'enrich'],
    });

    assert.ok(current);
    assert.equal(current.lead.id, leadId);
    assert.deepEqual(current.inputs.byKey('2:estimate:d1'), { days: 5 });
    assert.equal(current.inputs.byKey('2:design'), null, 'not recorded');
    assert.equal(current.inputs.byKey('1:estimate:d1'), null, 'not asked for');
    assert.deepEqual(current.inputs.latest('requirements'), { version: 'new', text: 'with "quotes" and <tags>' });
    assert.equal(current.inputs.latest('enrich'), null);
  });

  it('reads nothing for a job that is no longer current: its step done, another generation, another status', async () => {
    const leadId = await newLead();
    await recorded(leadId, 2, '2:price:d1', 'price', { total: 1 });
    const read = (generation: number, key: string, statuses: LeadStatus[]) => currentLeadWithInputs(context, { leadId, generation }, statuses, key, { latest: ['price'] });

    assert.equal(await read(2, '2:price:d1', [LeadStatus.IN_PROGRESS]), null, 'already done');
    assert.equal(await read(1, '1:write:d1', [LeadStatus.IN_PROGRESS]), null, 'a generation the lead has left');
    assert.equal(await read(2, '2:write:d1', [LeadStatus.QUALIFYING]), null, 'the lead has moved on');
    assert.ok(await read(2, '2:write:d1', [LeadStatus.IN_PROGRESS]));
  });
});
