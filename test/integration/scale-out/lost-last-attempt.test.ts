import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { agentOracle, agentSchemaName } from '../../fakes/agent-oracle.js';
import { behave } from '../../fakes/fake-provider.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startServe, stopProcesses, type ServeProcess } from '../../helpers/process.js';
import { sampleLead } from '../../helpers/sample-leads.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Every process on the database runs with the same step policy (the queue's settings are the last
 * writer's): no retries, so the first attempt is also the last.
 */
const SHARED_ENV = { PIPELINE_STEP_RETRIES: '0', PIPELINE_RETRY_DELAY: '1s', JOB_HEARTBEAT: '10s' };

describe('a step whose last attempt dies with its worker', () => {
  const oracle = agentOracle(loadAgencyConfig());
  const openai = new FakeOpenAIServer();
  let database: TestDatabase;
  let api: TestServer;
  const children: ServeProcess[] = [];
  const serveWorker = () => {
    const child = startServe(['--roles', 'worker'], { ...SHARED_ENV, DATABASE_URL: database.url, ...openai.leadpilotEnv() });
    children.push(child);
    return child;
  };
  const designJob = async (leadId: string) =>
    ((await api.dataSource.query(`SELECT state FROM pgboss.job WHERE name = 'proposal-design' AND data->>'leadId' = $1`, [leadId])) as { state: string }[])[0];

  before(async () => {
    await openai.start();
    // The solution architect never answers: the design step stays in flight until its worker dies.
    openai.answerWith((request) => (agentSchemaName(request) === 'solution_design' ? behave('hang') : oracle(request)));
    database = await createTestDatabase();
    api = await startTestServer({ database, env: SHARED_ENV });
  });
  after(async () => {
    await stopProcesses(children, 'SIGKILL');
    await api.stop();
    await database.drop();
    await openai.close();
  });

  it('marks its lead FAILED, naming the step and the lost attempt, once the heartbeat shows the worker gone', async () => {
    const doomed = serveWorker();
    await doomed.waitFor(/pipeline worker started/);
    const id = await submitLead(api, sampleLead(1, 'lost-last-attempt'));
    const deadline = Date.now() + 60_000;
    while ((await designJob(id))?.state !== 'active') {
      if (Date.now() > deadline) throw new Error(`the design never started; worker output:\n${doomed.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    // Another worker (any process supervises the queue) finds the silent job, fails it for good,
    // and handles its dead letter.
    serveWorker();
    const lead = await waitForLead(api, id, (current) => current.status === 'FAILED', 60_000);
    const failed = lead.activities.filter((entry: { type: string }) => entry.type === 'pipeline.failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].data.step, 'proposal-design');
    assert.equal(failed[0].data.attempts, 1);
    assert.match(failed[0].data.reason, /LostAttemptError: the last attempt did not finish \(.*heartbeat.*\)/);
    assert.equal((await designJob(id))?.state, 'failed');
    assert.equal(lead.proposals.length, 0);
  });
});
