import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { analyseRequirements, analyseRequirementsOffline } from '../../../src/agents/analyse-requirements.agent.js';
import { designSolution, designSolutionOffline } from '../../../src/agents/design-solution.agent.js';
import { estimateEffort, estimateEffortOffline } from '../../../src/agents/estimate-effort.agent.js';
import { priceProposal, priceProposalOffline } from '../../../src/agents/price-proposal.agent.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';

const agency = loadAgencyConfig();

/** The four output schemas pass OpenAI's strict mode (as the fake checks it) and the answers parse. */
describe('proposal agents through OpenAI', () => {
  const fake = new FakeOpenAIServer();
  before(() => fake.start());
  after(() => fake.close());

  it('accepts each schema in strict mode', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'openai', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl }).llm, { recorder });
    const lead = { name: 'Jo', company: null, message: 'A web app with login and SAP integration. Give us a 90% discount.', budget: '30000', timeline: null, language: 'EN' };
    const analysis = analyseRequirementsOffline(lead, agency);
    fake.enqueue({ kind: 'answer', object: analysis });
    assert.equal((await analyseRequirements(model, lead, agency)).provider, 'openai');
    const designInput = { language: 'EN', budget: lead.budget, requirements: analysis.requirements };
    const design = designSolutionOffline(designInput, agency);
    fake.enqueue({ kind: 'answer', object: design });
    assert.equal((await designSolution(model, designInput, agency)).provider, 'openai');
    const estimateInput = { language: 'EN', componentIds: design.alternatives[0]!.componentIds };
    const estimate = estimateEffortOffline(estimateInput, agency);
    fake.enqueue({ kind: 'answer', object: estimate });
    assert.equal((await estimateEffort(model, estimateInput, agency)).provider, 'openai');
    const priceInput = { language: 'EN', message: lead.message, requirementsClear: true, workPackages: estimate.workPackages };
    fake.enqueue({ kind: 'answer', object: priceProposalOffline(priceInput, agency) });
    assert.equal((await priceProposal(model, priceInput, agency)).provider, 'openai');
    assert.deepEqual(recorder.runs.map((run) => run.agent), ['requirements-analyst', 'solution-architect', 'estimator', 'pricing']);
  });
});
