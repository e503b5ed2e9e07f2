import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AGENT_NAMES } from '../../src/agents/agent-registry.js';
import { Role } from '../../src/entities/enums.js';
import { AgentOverviewService } from '../../src/services/agent-overview.service.js';
import { PromptVersionService } from '../../src/services/prompt-version.service.js';
import { errorCodes, graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const FIELDS = 'id agent version template weight active createdBy';
const LIST = `query ($agent: String!) { promptVersions(agent: $agent) { ${FIELDS} } }`;
const CREATE = `mutation ($agent: String!, $template: String!) { createPromptVersion(agent: $agent, template: $template) { ${FIELDS} } }`;
const ACTIVATE = `mutation ($id: ID!) { activatePromptVersion(id: $id) { ${FIELDS} } }`;
const WEIGHTS = `mutation ($agent: String!, $weights: [PromptWeightInput!]!) { setPromptWeights(agent: $agent, weights: $weights) { ${FIELDS} } }`;
const AGENTS = `query ($from: DateTime, $to: DateTime) { agents(from: $from, to: $to) {
  name strategy description builtinPromptVersion activePromptVersions { id version weight builtin }
  runs successRate latencyP50Ms latencyP95Ms totalCost averageCost fallbackRate } }`;

describe(PromptVersionService.name, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const admin = () => server.keys[Role.ADMIN];

  async function create(agent: string, template: string) {
    const response = await graphql(server.graphqlUrl, CREATE, { key: admin(), variables: { agent, template } });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!.createPromptVersion;
  }

  it('creates inactive versions numbered from v2, lists them, and activates one that choose() then returns', async () => {
    const second = await create('qualification', 'Be strict about budgets.\n{{default}}');
    const third = await create('qualification', '{{default}}\nPrefer request_details when in doubt.');
    assert.deepEqual(
      { version: second.version, weight: second.weight, active: second.active, createdBy: second.createdBy },
      { version: 'qualification/v2', weight: 0, active: false, createdBy: 'api-key:test-admin' },
    );
    assert.equal(third.version, 'qualification/v3');
    assert.equal(await server.services.promptVersions.choose('qualification', randomUUID()), null);

    const listed = await graphql(server.graphqlUrl, LIST, { key: server.keys[Role.VIEWER], variables: { agent: 'qualification' } });
    assert.deepEqual(listed.data!.promptVersions.map((version: { version: string }) => version.version), ['qualification/v2', 'qualification/v3']);

    const activated = await graphql(server.graphqlUrl, ACTIVATE, { key: admin(), variables: { id: third.id } });
    assert.deepEqual({ active: activated.data!.activatePromptVersion.active, weight: activated.data!.activatePromptVersion.weight }, { active: true, weight: 100 });
    assert.deepEqual(await server.services.promptVersions.choose('qualification', randomUUID()), { version: 'qualification/v3', template: third.template });

    // Activating another one leaves exactly one active version.
    await graphql(server.graphqlUrl, ACTIVATE, { key: admin(), variables: { id: second.id } });
    const after = await server.services.promptVersions.list('qualification');
    assert.deepEqual(after.map(({ version, active, weight }) => ({ version, active, weight })), [
      { version: 'qualification/v2', active: true, weight: 100 },
      { version: 'qualification/v3', active: false, weight: 0 },
    ]);
    assert.equal((await server.services.promptVersions.choose('qualification', randomUUID()))?.version, 'qualification/v2');
  });

  it('numbers versions created at the same moment without gaps or duplicates', async () => {
    const created = await Promise.all(Array.from({ length: 5 }, (_, index) => create('estimator', `Variant ${index}. {{default}}`)));
    assert.deepEqual(created.map((version) => version.version).sort(), ['estimator/v2', 'estimator/v3', 'estimator/v4', 'estimator/v5', 'estimator/v6']);
  });

  it('splits leads 50/50 between two versions, each lead keeping its version while the weights stay', async () => {
    const a = await create('pricing', 'A {{default}}');
    const b = await create('pricing', 'B {{default}}');
    const weighted = await graphql(server.graphqlUrl, WEIGHTS, { key: admin(), variables: { agent: 'pricing', weights: [{ id: a.id, weight: 50 }, { id: b.id, weight: 50 }] } });
    assert.equal(weighted.errors, undefined, JSON.stringify(weighted.errors));
    assert.deepEqual(weighted.data!.setPromptWeights.map(({ weight, active }: { weight: number; active: boolean }) => ({ weight, active })), [
      { weight: 50, active: true },
      { weight: 50, active: true },
    ]);

    const leads = Array.from({ length: 200 }, () => randomUUID());
    const choose = async () => Promise.all(leads.map(async (lead) => (await server.services.promptVersions.choose('pricing', lead))!.version));
    const first = await choose();
    const counts = { a: first.filter((version) => version === a.version).length, b: first.filter((version) => version === b.version).length };
    assert.equal(counts.a + counts.b, 200);
    assert.ok(counts.a >= 60 && counts.b >= 60, `an even split, got ${JSON.stringify(counts)}`);
    assert.deepEqual(await choose(), first);

    // Writing the same weights again (a fresh read from the database) changes nobody's version.
    await server.services.promptVersions.setWeights('pricing', [{ id: b.id, weight: 50 }, { id: a.id, weight: 50 }]);
    assert.deepEqual(await choose(), first);

    // 100/0 sends everyone to A; all 0 goes back to the built-in prompt.
    await server.services.promptVersions.setWeights('pricing', [{ id: a.id, weight: 100 }, { id: b.id, weight: 0 }]);
    assert.deepEqual(new Set(await choose()), new Set([a.version]));
    await server.services.promptVersions.setWeights('pricing', [{ id: a.id, weight: 0 }]);
    assert.equal(await server.services.promptVersions.choose('pricing', leads[0]!), null);
    assert.deepEqual((await server.services.promptVersions.list('pricing')).map((version) => version.active), [false, false]);
  });

  it('refuses an unknown agent, naming the known ones', async () => {
    const response = await graphql(server.graphqlUrl, CREATE, { key: admin(), variables: { agent: 'sales-bot', template: '{{default}}' } });
    assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT']);
    assert.match(response.errors![0]!.message, /sales-bot.*qualification/);
    const listed = await graphql(server.graphqlUrl, LIST, { key: admin(), variables: { agent: 'sales-bot' } });
    assert.deepEqual(errorCodes(listed), ['BAD_USER_INPUT']);
  });

  it('refuses unknown placeholders, empty and oversized templates', async () => {
    const unknown = await graphql(server.graphqlUrl, CREATE, { key: admin(), variables: { agent: 'reviewer', template: 'Hello {{leadName}}, {{default}}' } });
    assert.deepEqual(errorCodes(unknown), ['BAD_USER_INPUT']);
    assert.match(unknown.errors![0]!.message, /\{\{leadName\}\}/);
    for (const template of ['   ', 'x'.repeat(20_001)]) {
      const response = await graphql(server.graphqlUrl, CREATE, { key: admin(), variables: { agent: 'reviewer', template } });
      assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT']);
    }
    assert.deepEqual(await server.services.promptVersions.list('reviewer'), []);
  });

  it("refuses weights for another agent's version or outside 0 to 100, changing nothing", async () => {
    const own = await create('reviser', 'R {{default}}');
    const other = await create('responder', 'S {{default}}');
    for (const weights of [
      [{ id: own.id, weight: 50 }, { id: other.id, weight: 50 }],
      [{ id: own.id, weight: 101 }],
      [{ id: own.id, weight: -1 }],
    ]) {
      const response = await graphql(server.graphqlUrl, WEIGHTS, { key: admin(), variables: { agent: 'reviser', weights } });
      assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT'], JSON.stringify(weights));
    }
    assert.deepEqual((await server.services.promptVersions.list('reviser')).map(({ weight, active }) => ({ weight, active })), [{ weight: 0, active: false }]);
  });

  it('lets only admins change prompt versions', async () => {
    const version = await create('intake', '{{default}}');
    for (const role of [Role.VIEWER, Role.APPROVER, Role.INTEGRATION]) {
      const key = server.keys[role];
      const responses = await Promise.all([
        graphql(server.graphqlUrl, CREATE, { key, variables: { agent: 'intake', template: '{{default}}' } }),
        graphql(server.graphqlUrl, ACTIVATE, { key, variables: { id: version.id } }),
        graphql(server.graphqlUrl, WEIGHTS, { key, variables: { agent: 'intake', weights: [{ id: version.id, weight: 10 }] } }),
      ]);
      assert.deepEqual(responses.map(errorCodes), [['FORBIDDEN'], ['FORBIDDEN'], ['FORBIDDEN']], role);
    }
    assert.deepEqual((await server.services.promptVersions.list('intake')).map(({ active }) => active), [false]);
    assert.deepEqual(errorCodes(await graphql(server.graphqlUrl, LIST, { variables: { agent: 'intake' } })), ['UNAUTHENTICATED']);
  });
});

describe(AgentOverviewService.name, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const attempt = (provider: string, errorClass: string | null, latencyMs: number) => ({ provider, model: `${provider}-model`, errorClass, message: errorClass, latencyMs, inputTokens: 10, outputTokens: 5 });

  async function insertRun(run: { agent: string; status: 'succeeded' | 'failed'; provider: string | null; attempts: unknown[]; latencyMs: number; cost: number; age: string }) {
    await server.dataSource.query(
      `INSERT INTO agent_runs (agent, strategy, provider, model, prompt_version, attempts, cost, latency_ms, status, created_at)
       VALUES ($1, 'react', $2, $2, 'review-proposal/v1', $3, $4, $5, $6, now() - $7::interval)`,
      [run.agent, run.provider, JSON.stringify(run.attempts), run.cost, run.latencyMs, run.status, run.age],
    );
  }

  it('lists every registry agent with statistics from its runs of the last 7 days', async () => {
    await insertRun({ agent: 'reviewer', status: 'succeeded', provider: 'openai', attempts: [attempt('openai', null, 100)], latencyMs: 100, cost: 0.01, age: '1 hour' });
    await insertRun({ agent: 'reviewer', status: 'succeeded', provider: 'gemini', attempts: [attempt('openai', 'server_error', 50), attempt('gemini', null, 150)], latencyMs: 200, cost: 0.02, age: '2 hours' });
    await insertRun({ agent: 'reviewer', status: 'succeeded', provider: 'openai', attempts: [attempt('openai', 'rate_limited', 100), attempt('openai', null, 200)], latencyMs: 300, cost: 0.03, age: '1 day' });
    await insertRun({ agent: 'reviewer', status: 'failed', provider: null, attempts: [attempt('openai', 'timeout', 200), attempt('gemini', 'timeout', 200)], latencyMs: 400, cost: 0.04, age: '6 days' });
    await insertRun({ agent: 'reviewer', status: 'succeeded', provider: 'openai', attempts: [attempt('openai', null, 9000)], latencyMs: 9000, cost: 1, age: '8 days' });
    await insertRun({ agent: 'not-an-agent', status: 'succeeded', provider: 'openai', attempts: [attempt('openai', null, 1)], latencyMs: 1, cost: 1, age: '1 hour' });

    const response = await graphql(server.graphqlUrl, AGENTS, { key: server.keys[Role.VIEWER] });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const agents = response.data!.agents as Record<string, any>[];
    assert.equal(agents.length, 16);
    assert.deepEqual(agents.map((agent) => agent.name), [...AGENT_NAMES]);

    const reviewer = agents.find((agent) => agent.name === 'reviewer')!;
    assert.deepEqual(
      {
        runs: reviewer.runs,
        successRate: reviewer.successRate,
        latencyP50Ms: reviewer.latencyP50Ms,
        latencyP95Ms: reviewer.latencyP95Ms,
        totalCost: reviewer.totalCost,
        averageCost: reviewer.averageCost,
        fallbackRate: reviewer.fallbackRate,
      },
      // Latencies 100, 200, 300, 400: the median between the middle two, p95 at 2.85 of 3 steps.
      { runs: 4, successRate: 0.75, latencyP50Ms: 250, latencyP95Ms: 385, totalCost: 0.1, averageCost: 0.025, fallbackRate: 0.25 },
    );
    assert.deepEqual({ strategy: reviewer.strategy, builtin: reviewer.builtinPromptVersion }, { strategy: 'react', builtin: 'review-proposal/v1' });

    const intake = agents.find((agent) => agent.name === 'intake')!;
    assert.deepEqual(
      { runs: intake.runs, successRate: intake.successRate, latencyP50Ms: intake.latencyP50Ms, totalCost: intake.totalCost, averageCost: intake.averageCost, fallbackRate: intake.fallbackRate },
      { runs: 0, successRate: null, latencyP50Ms: null, totalCost: 0, averageCost: null, fallbackRate: null },
    );
    assert.deepEqual(intake.activePromptVersions, [{ id: null, version: 'intake/v1', weight: 100, builtin: true }]);
    for (const agent of agents) assert.ok(agent.description.length > 0, agent.name);
  });

  it('takes the period from the arguments', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 30 * 24 * 3600 * 1000);
    const response = await graphql(server.graphqlUrl, AGENTS, { key: server.keys[Role.APPROVER], variables: { from: from.toISOString(), to: to.toISOString() } });
    const reviewer = (response.data!.agents as Record<string, any>[]).find((agent) => agent.name === 'reviewer')!;
    assert.equal(reviewer.runs, 5);
    assert.equal(reviewer.latencyP95Ms, 7280); // 400 + 0.8 × (9000 − 400)
    const backwards = await graphql(server.graphqlUrl, AGENTS, { key: server.keys[Role.VIEWER], variables: { from: to.toISOString(), to: from.toISOString() } });
    assert.deepEqual(errorCodes(backwards), ['BAD_USER_INPUT']);
  });

  it('shows the active prompt versions of an agent with their weights', async () => {
    const versions = server.services.promptVersions;
    const a = await versions.create('orchestrator', 'A {{default}}', 'test');
    const b = await versions.create('orchestrator', 'B {{default}}', 'test');
    await versions.create('orchestrator', 'C {{default}}', 'test');
    await versions.setWeights('orchestrator', [{ id: a.id, weight: 30 }, { id: b.id, weight: 70 }]);
    const response = await graphql(server.graphqlUrl, AGENTS, { key: server.keys[Role.VIEWER] });
    const orchestrator = (response.data!.agents as Record<string, any>[]).find((agent) => agent.name === 'orchestrator')!;
    assert.deepEqual(orchestrator.activePromptVersions, [
      { id: a.id, version: 'orchestrator/v2', weight: 30, builtin: false },
      { id: b.id, version: 'orchestrator/v3', weight: 70, builtin: false },
    ]);
  });
});
