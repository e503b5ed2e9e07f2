import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { detectLanguage } from '../../../src/lib/detect-language.js';
import { agentOracle } from '../../fakes/agent-oracle.js';
import { FakeGeminiServer } from '../../fakes/fake-gemini.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { latestProposal, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** Agents every qualified lead passes through on its way to approval. */
const AGENTS_ON_THE_WAY = ['intake', 'enrichment', 'qualification', 'orchestrator', 'responder', 'requirements-analyst', 'solution-architect', 'estimator', 'pricing', 'proposal-writer', 'reviewer'];

const LEAD = {
  name: 'Claire Dubois',
  email: 'claire.dubois@transports-dubois.fr',
  company: 'Transports Dubois',
  message:
    "Bonjour, nous sommes une entreprise de transport régional et nous souhaitons une application de suivi des livraisons : nos chauffeurs confirment chaque livraison sur leur téléphone avec une photo, et nos clients suivent leurs colis en ligne. Il faudrait aussi une interface avec notre logiciel de facturation. Pouvez-vous nous faire une proposition ?",
  budget: 50000,
};

interface RunRow {
  agent: string;
  provider: string | null;
  status: string;
  attempts: { provider: string; errorClass: string | null }[];
}

async function runsOf(server: TestServer, leadId: string): Promise<RunRow[]> {
  return (await server.dataSource.query(`SELECT agent, provider, status, attempts FROM agent_runs WHERE lead_id = $1 ORDER BY created_at`, [leadId])) as RunRow[];
}

/** Submits the French lead and checks it reached approval with a French proposal; returns its agent runs. */
async function proposeThrough(server: TestServer, email: string): Promise<RunRow[]> {
  const id = await submitLead(server, { ...LEAD, email });
  const lead = await waitForLead(server, id, settled);
  assert.equal(lead.status, 'AWAITING_APPROVAL', JSON.stringify(lead.activities.filter((entry: any) => entry.type === 'pipeline.failed')));
  assert.equal(lead.language, 'FR');
  const proposal = latestProposal(lead);
  assert.equal(proposal.status, 'PENDING_APPROVAL');
  assert.equal(proposal.language, 'FR');
  assert.equal(detectLanguage(proposal.body), 'fr');
  const reply = lead.outboundMessages.find((message: any) => message.kind === 'first_reply');
  assert.equal(detectLanguage(reply.payload.text), 'fr');
  return runsOf(server, id);
}

describe('the pipeline through the model providers', () => {
  const agency = loadAgencyConfig();
  const openai = new FakeOpenAIServer();
  const gemini = new FakeGeminiServer();
  before(async () => {
    await openai.start();
    await gemini.start();
  });
  after(async () => {
    await openai.close();
    await gemini.close();
  });
  const keys = () => ({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseUrl, GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.baseUrl, LLM_MAX_ATTEMPTS: '1' });

  describe('on OpenAI alone', () => {
    let server: TestServer;
    before(async () => {
      openai.answerWith(agentOracle(agency)).otherwise('answer');
      server = await startTestServer({ worker: true, env: { ...keys(), LLM_PROVIDERS: 'openai' } });
    });
    after(() => server.stop());

    it('takes a lead to a reviewed proposal in its language, every agent answered by OpenAI', async () => {
      const before = openai.validRequests.length;
      const runs = await proposeThrough(server, 'claire@transports-dubois.fr');
      assert.deepEqual(openai.answererErrors, []);
      assert.ok(openai.validRequests.length - before >= AGENTS_ON_THE_WAY.length, 'the agents called OpenAI');
      for (const agent of AGENTS_ON_THE_WAY) assert.ok(runs.some((run) => run.agent === agent), `an agent_runs row for ${agent}`);
      for (const run of runs) {
        assert.equal(run.status, 'succeeded', `${run.agent} succeeded`);
        assert.equal(run.provider, 'openai', `${run.agent} was answered by openai`);
      }
    });
  });

  describe('on Gemini alone', () => {
    let server: TestServer;
    before(async () => {
      gemini.answerWith(agentOracle(agency)).otherwise('answer');
      server = await startTestServer({ worker: true, env: { ...keys(), LLM_PROVIDERS: 'gemini' } });
    });
    after(() => server.stop());

    it('takes a lead to a reviewed proposal in its language, every agent answered by Gemini', async () => {
      const runs = await proposeThrough(server, 'direction@transports-dubois.fr');
      assert.deepEqual(gemini.answererErrors, []);
      for (const agent of AGENTS_ON_THE_WAY) assert.ok(runs.some((run) => run.agent === agent), `an agent_runs row for ${agent}`);
      for (const run of runs) {
        assert.equal(run.status, 'succeeded', `${run.agent} succeeded`);
        assert.equal(run.provider, 'gemini', `${run.agent} was answered by gemini`);
      }
    });
  });

  describe('with OpenAI failing and Gemini behind it', () => {
    let server: TestServer;
    before(async () => {
      openai.answerWith(null).otherwise('server_error');
      gemini.answerWith(agentOracle(agency)).otherwise('answer');
      server = await startTestServer({ worker: true, env: { ...keys(), LLM_PROVIDERS: 'openai,gemini' } });
    });
    after(async () => {
      openai.otherwise('answer');
      await server.stop();
    });

    it('still reaches approval, each run recording the fall back from OpenAI to Gemini', async () => {
      const failedBefore = openai.validRequests.filter((request) => request.status === 500).length;
      const runs = await proposeThrough(server, 'factures@transports-dubois.fr');
      assert.deepEqual(gemini.answererErrors, []);
      assert.ok(openai.validRequests.filter((request) => request.status === 500).length > failedBefore, 'OpenAI was asked and failed');
      for (const agent of AGENTS_ON_THE_WAY) assert.ok(runs.some((run) => run.agent === agent), `an agent_runs row for ${agent}`);
      for (const run of runs) {
        assert.equal(run.status, 'succeeded', `${run.agent} succeeded`);
        assert.equal(run.provider, 'gemini', `${run.agent} was answered by gemini`);
        const openaiAttempts = run.attempts.filter((attempt) => attempt.provider === 'openai');
        assert.ok(openaiAttempts.length > 0, `${run.agent} tried openai first: ${JSON.stringify(run.attempts)}`);
        assert.ok(
          openaiAttempts.every((attempt) => attempt.errorClass === 'server_error' || attempt.errorClass === 'circuit_open'),
          `openai failed (or its breaker was open) for ${run.agent}: ${JSON.stringify(openaiAttempts)}`,
        );
        const last = run.attempts.at(-1)!;
        assert.equal(last.provider, 'gemini');
        assert.equal(last.errorClass, null, `gemini answered ${run.agent}`);
      }
    });
  });
});
