import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { estimateEffort, estimateEffortOffline } from '../../../src/agents/estimate-effort.agent.js';

const agency = loadAgencyConfig();

describe(estimateEffort.name, () => {
  it('answers offline through the real chain and records the run', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'offline' }).llm, { recorder });
    const input = { language: 'ES', componentIds: ['web-frontend', 'booking-scheduling'] };
    const result = await estimateEffort(model, input, agency);
    assert.equal(result.provider, 'offline');
    assert.deepEqual(result.object, estimateEffortOffline(input, agency));
    assert.equal(recorder.runs[0]?.agent, 'estimator');
    assert.equal(recorder.runs[0]?.strategy, 'chain-of-thought');
    assert.equal(recorder.runs[0]?.status, 'succeeded');
  });
});
