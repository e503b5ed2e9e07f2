import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import type { Clock } from '../../../src/lib/clock.js';
import { agentOracle, agentSchemaName, type AgentSchemaName } from '../../fakes/agent-oracle.js';
import { behave } from '../../fakes/fake-provider.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { graphql } from '../../helpers/graphql.js';
import { latestProposal, readLead, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const LEAD = {
  name: 'Daniel Brooks',
  company: 'Brooks Learning Ltd',
  message:
    'Hi, we run evening courses for adults and need an online booking platform: customers browse courses, book and pay by card, and get reminder e-mails. Our staff need an admin dashboard to manage courses, rooms and attendance. We would also like reports on bookings per month. Could you send us a proposal?',
  budget: 40000,
  timeline: 'within four months',
};

/** The agents that decide qualification: with these answering, the lead is qualified before the outage bites. */
const QUALIFICATION: readonly AgentSchemaName[] = ['lead_intake', 'lead_enrichment', 'lead_qualification', 'lead_route'];

/** A clock the spec moves forward, so the model layer's circuit breaker cools down without waiting. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

const firstReplies = (lead: any) => lead.outboundMessages.filter((message: any) => message.kind === 'first_reply');

async function jobState(server: TestServer, id: string): Promise<string | null> {
  const rows = (await server.dataSource.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id])) as { state: string }[];
  return rows[0]?.state ?? null;
}

/** Waits until pg-boss has finished the job (a deadline only bounds a hang). */
async function jobDone(server: TestServer, id: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await jobState(server, id);
    if (state === 'completed' || state === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the pipeline when every model provider is down', () => {
  const agency = loadAgencyConfig();
  const oracle = agentOracle(agency);
  const openai = new FakeOpenAIServer();
  const clock = movableClock();
  /** Which agents the outage hits; none once the provider has recovered. */
  let down: (agent: AgentSchemaName) => boolean = () => false;
  let server: TestServer;

  before(async () => {
    await openai.start();
    openai.answerWith((request) => (down(agentSchemaName(request)) ? behave('unavailable') : oracle(request)));
    server = await startTestServer({
      worker: true,
      clock,
      env: {
        LLM_PROVIDERS: 'openai',
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.baseUrl,
        LLM_MAX_ATTEMPTS: '1',
        PIPELINE_STEP_RETRIES: '1',
        PIPELINE_RETRY_DELAY: '1s',
      },
    });
  });
  after(async () => {
    await server.stop();
    await openai.close();
  });

  /** The provider is back: the breaker's cool-down is over too. */
  function recover(): void {
    down = () => false;
    clock.advance(10 * 60_000);
  }

  async function retry(id: string): Promise<any> {
    const retried = await graphql(server.graphqlUrl, `mutation ($id: ID!) { retryLead(id: $id) { status } }`, { variables: { id }, key: server.keys.approver });
    assert.equal(retried.errors, undefined, JSON.stringify(retried.errors));
    return waitForLead(server, id, (current) => current.status !== 'FAILED' && settled(current));
  }

  it('fails a lead at intake with the step and the reason, and retryLead takes it to approval once the provider is back', async () => {
    down = () => true;
    clock.advance(10 * 60_000);
    const id = await submitLead(server, { ...LEAD, email: 'daniel@brookslearning.co.uk' });
    const failed = await waitForLead(server, id, (lead) => lead.status === 'FAILED');
    const failure = failed.activities.find((entry: any) => entry.type === 'pipeline.failed');
    assert.ok(failure, 'a pipeline.failed activity');
    assert.equal(failure.data.step, 'lead-intake');
    assert.match(failure.data.reason, /openai/i);
    assert.match(failure.data.reason, /overloaded|unavailable|503|server/i);
    assert.equal(failure.data.attempts, 2, 'the step was tried once more before the lead failed');
    assert.equal(firstReplies(failed).length, 0, 'nothing was qualified, so nothing is answered');
    assert.deepEqual(openai.answererErrors, []);

    recover();
    const lead = await retry(id);
    assert.equal(lead.status, 'AWAITING_APPROVAL');
    assert.equal(latestProposal(lead).status, 'PENDING_APPROVAL');
    assert.equal(firstReplies(lead).length, 1);
    assert.ok(lead.activities.some((entry: any) => entry.type === 'pipeline.retry'));
  });

  it('still writes the first reply by its rules when the outage begins after qualification, and fails the lead at requirements', async () => {
    down = (agent) => !QUALIFICATION.includes(agent);
    clock.advance(10 * 60_000);
    const id = await submitLead(server, { ...LEAD, email: 'office@brooks-courses.co.uk' });
    const failed = await waitForLead(server, id, (lead) => lead.status === 'FAILED' && firstReplies(lead).length > 0);
    const failure = failed.activities.find((entry: any) => entry.type === 'pipeline.failed');
    assert.equal(failure.data.step, 'lead-requirements');
    assert.match(failure.data.reason, /openai/i);
    const [reply] = firstReplies(failed);
    assert.equal(reply.payload.replyKind, 'acknowledge');
    assert.equal(reply.recipient, 'office@brooks-courses.co.uk');
    const queued = failed.activities.find((entry: any) => entry.type === 'reply.queued');
    assert.equal(queued.data.fallback, true, 'the responder fell back to its rules');

    recover();
    const lead = await retry(id);
    assert.equal(lead.status, 'AWAITING_APPROVAL');
    assert.equal(lead.proposals.length, 1);
    assert.equal(firstReplies(lead).length, 1, 'the retry did not answer a second time');
    assert.deepEqual(openai.answererErrors, []);
  });

  it('does nothing twice when a step is delivered again', async () => {
    recover();
    const id = await submitLead(server, { ...LEAD, email: 'admin@brooks-evening.co.uk' });
    const lead = await waitForLead(server, id, settled);
    assert.equal(lead.status, 'AWAITING_APPROVAL');
    const generation = ((await server.dataSource.query(`SELECT pipeline_generation FROM leads WHERE id = $1`, [id])) as [{ pipeline_generation: number }])[0].pipeline_generation;
    const designId = lead.solutionDesigns[0].id;
    const runsBefore = ((await server.dataSource.query(`SELECT count(*)::int AS count FROM agent_runs WHERE lead_id = $1`, [id])) as [{ count: number }])[0].count;

    const respond = await server.queue.enqueue('lead-respond', { leadId: id, generation });
    const write = await server.queue.enqueue('proposal-write', { leadId: id, generation, designId });
    assert.ok(respond && write, 'both jobs were enqueued');
    assert.equal(await jobDone(server, respond), 'completed');
    assert.equal(await jobDone(server, write), 'completed');

    const again = await readLead(server, id);
    assert.equal(firstReplies(again).length, 1, 'still one first reply');
    assert.equal(again.proposals.length, 1, 'still one proposal');
    assert.equal(again.status, 'AWAITING_APPROVAL');
    assert.equal(latestProposal(again).status, 'PENDING_APPROVAL');
    const runsAfter = ((await server.dataSource.query(`SELECT count(*)::int AS count FROM agent_runs WHERE lead_id = $1`, [id])) as [{ count: number }])[0].count;
    assert.equal(runsAfter, runsBefore, 'no agent was asked again');
  });
});
