import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS } from '../../../../src/agents/agent-support.js';
import type { GenerateObjectRequest, GenerateObjectResult } from '../../../../src/agents/models/language-model.js';
import { withPromptVersion } from '../../../../src/agents/models/with-prompt-version.js';
import { MemoryAgentRunRecorder, withRunRecording } from '../../../../src/agents/models/with-run-recording.js';
import { findUnknownPlaceholders } from '../../../../src/agents/prompt-template.js';
import { ScriptedLanguageModel } from '../../../fakes/scripted-language-model.js';

/** The scripted model, keeping every request it receives. */
class InspectedModel extends ScriptedLanguageModel {
  readonly requests: GenerateObjectRequest<z.ZodType>[] = [];
  override generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    this.requests.push(request);
    return super.generateObject(request);
  }
}

const BUILT_IN = ['You qualify leads.', ...DATA_NOT_INSTRUCTIONS].join('\n');

const request = {
  system: BUILT_IN,
  messages: [{ role: 'user' as const, content: '<lead>{"message":"Build a shop"}</lead>' }],
  schema: z.object({ answer: z.string() }),
  schemaName: 'answer',
  temperature: 0.2,
  offline: () => ({ answer: 'yes' }),
  run: { agent: 'qualification', strategy: 'chain-of-thought', promptVersion: 'qualify-lead/v1', leadId: 'lead-1' },
};

describe(withPromptVersion.name, () => {
  it('returns the model itself when the choice is the built-in prompt', () => {
    const inner = new InspectedModel('openai');
    assert.equal(withPromptVersion(inner, null), inner);
  });

  it('replaces the system text with the template, rendering {{default}} as the built-in system text', async () => {
    const inner = new InspectedModel('openai');
    const model = withPromptVersion(inner, { version: 'qualification/v2', template: 'Be brief.\n\n{{default}}\n\nAnswer in one line.' });
    const result = await model.generateObject(request);
    assert.deepEqual(result.object, { answer: 'yes' });
    const received = inner.requests[0]!;
    assert.equal(received.system, `Be brief.\n\n${BUILT_IN}\n\nAnswer in one line.`);
    assert.deepEqual(received.messages, request.messages);
    assert.equal(received.schema, request.schema);
    assert.equal(received.temperature, 0.2);
  });

  it('records the version on the run and keeps the rest of the run context', async () => {
    const inner = new InspectedModel('openai');
    await withPromptVersion(inner, { version: 'qualification/v3', template: '{{ default }}' }).generateObject(request);
    assert.deepEqual(inner.requests[0]!.run, { agent: 'qualification', strategy: 'chain-of-thought', promptVersion: 'qualification/v3', leadId: 'lead-1' });
    assert.equal(inner.requests[0]!.system, BUILT_IN);
  });

  it('keeps dollar signs in the built-in text literal', async () => {
    const inner = new InspectedModel('openai');
    const system = `Prices are in $ ($& and $1 are not patterns). ${DATA_NOT_INSTRUCTIONS.join('\n')}`;
    await withPromptVersion(inner, { version: 'pricing/v2', template: 'X {{default}} Y' }).generateObject({ ...request, system });
    assert.equal(inner.requests[0]!.system, `X ${system} Y`);
  });

  it('appends the rule that data is not instructions when a template leaves it out', async () => {
    const inner = new InspectedModel('openai');
    await withPromptVersion(inner, { version: 'qualification/v2', template: 'Only this.' }).generateObject(request);
    assert.equal(inner.requests[0]!.system, `Only this.\n\n${DATA_NOT_INSTRUCTIONS.join('\n')}`);
  });

  it('is what the run recorder sees, so agent_runs gets the version', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const recorded = withRunRecording(new InspectedModel('offline'), { recorder, prices: {} });
    await withPromptVersion(recorded, { version: 'qualification/v2', template: '{{default}}' }).generateObject(request);
    assert.equal(recorder.runs[0]!.promptVersion, 'qualification/v2');
    assert.equal(recorder.runs[0]!.agent, 'qualification');
  });
});

describe(findUnknownPlaceholders.name, () => {
  it('accepts {{default}} with or without spaces and names every other placeholder once', () => {
    assert.deepEqual(findUnknownPlaceholders('{{default}} and {{ default }}'), []);
    assert.deepEqual(findUnknownPlaceholders('{{lead}} {{ lead }} {{lead}} {{Default}}'), ['{{lead}}', '{{ lead }}', '{{Default}}']);
  });
});
