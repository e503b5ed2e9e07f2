import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { ANALYSE_REQUIREMENTS_PROMPT_VERSION, analyseRequirements, analyseRequirementsOffline } from '../../../src/agents/analyse-requirements.agent.js';

const agency = loadAgencyConfig();

describe(analyseRequirements.name, () => {
  it('answers offline through the real chain and records the run', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'offline' }).llm, { recorder });
    const input = { name: 'Ana', company: null, message: 'Une application web avec espace client et connexion à notre ERP.', budget: null, timeline: null, language: 'FR' };
    const leadId = '00000000-0000-4000-8000-000000000001';
    const result = await analyseRequirements(model, input, agency, { leadId });
    assert.equal(result.provider, 'offline');
    assert.deepEqual(result.object, analyseRequirementsOffline(input, agency));
    const [run] = recorder.runs;
    assert.equal(run?.agent, 'requirements-analyst');
    assert.equal(run?.strategy, 'chain-of-thought');
    assert.equal(run?.promptVersion, ANALYSE_REQUIREMENTS_PROMPT_VERSION);
    assert.equal(run?.leadId, leadId);
    assert.equal(run?.status, 'succeeded');
  });
});
