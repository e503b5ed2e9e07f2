import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { designSolution, designSolutionOffline } from '../../../src/agents/design-solution.agent.js';

const agency = loadAgencyConfig();

describe(designSolution.name, () => {
  it('answers offline through the real chain and records a tree-of-thoughts run', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'offline' }).llm, { recorder });
    const input = { language: 'DE', budget: '30000', requirements: [{ id: 'REQ-1', title: 'Web-Frontend', priority: 'must' as const, componentIds: ['web-frontend', 'backend-api'] }] };
    const result = await designSolution(model, input, agency, { leadId: null });
    assert.equal(result.provider, 'offline');
    assert.deepEqual(result.object, designSolutionOffline(input, agency));
    assert.equal(recorder.runs[0]?.agent, 'solution-architect');
    assert.equal(recorder.runs[0]?.strategy, 'tree-of-thoughts');
    assert.equal(recorder.runs[0]?.status, 'succeeded');
  });
});
