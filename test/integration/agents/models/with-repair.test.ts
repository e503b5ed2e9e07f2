import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { GeminiModel } from '../../../../src/agents/models/gemini.model.js';
import { ModelError, ModelRetryError } from '../../../../src/agents/models/language-model.js';
import { OpenAIModel } from '../../../../src/agents/models/openai.model.js';
import { withRepair } from '../../../../src/agents/models/with-repair.js';
import { withRetry } from '../../../../src/agents/models/with-retry.js';
import { FakeGeminiServer } from '../../../fakes/fake-gemini.server.js';
import { FakeOpenAIServer } from '../../../fakes/fake-openai.server.js';

const schema = z.object({ summary: z.string(), score: z.number().int().min(0).max(10) });
const request = {
  system: 'Summarise and score.',
  messages: [{ role: 'user' as const, content: 'A long story.' }],
  schema,
  schemaName: 'summary',
};
const good = { summary: 'Short.', score: 7 };

describe(withRepair.name, () => {
  const openaiFake = new FakeOpenAIServer();
  const geminiFake = new FakeGeminiServer();
  let openai: OpenAIModel;
  let gemini: GeminiModel;

  before(async () => {
    await Promise.all([openaiFake.start(), geminiFake.start()]);
    openai = new OpenAIModel({ apiKey: openaiFake.apiKey, baseUrl: openaiFake.baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });
    gemini = new GeminiModel({ apiKey: geminiFake.apiKey, baseUrl: geminiFake.baseUrl, model: 'gemini-2.5-flash', timeoutMs: 5_000 });
  });
  after(() => Promise.all([openaiFake.close(), geminiFake.close()]));
  beforeEach(() => {
    openaiFake.requests.length = 0;
    geminiFake.requests.length = 0;
  });

  it('repairs invalid JSON with one re-ask that carries the validation errors', async () => {
    openaiFake.enqueue('invalid_json', { kind: 'answer', object: good });

    const result = await withRepair(openai).generateObject(request);

    assert.deepEqual(result.object, good);
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['invalid_output', null]);
    assert.equal(openaiFake.requests.length, 2);
    const [first, reask] = openaiFake.requests.map((sent) => FakeOpenAIServer.messagesOf(sent.body));
    assert.equal(reask!.length, first!.length + 2);
    const [echoed, correction] = reask!.slice(-2);
    assert.equal(echoed?.role, 'assistant');
    assert.equal(correction?.role, 'user');
    assert.match(correction!.content, /failed validation/);
    assert.match(correction!.content, /not valid JSON/);
    assert.ok(result.usage.outputTokens > result.attempts[1]!.usage.outputTokens, 'the invalid answer was paid for too');
  });

  it('repairs a schema mismatch on Gemini, naming each wrong field in the re-ask', async () => {
    geminiFake.enqueue({ kind: 'schema_mismatch', object: { summary: 3, score: 11 } }, { kind: 'answer', object: good });

    const result = await withRepair(gemini).generateObject(request);

    assert.deepEqual(result.object, good);
    const reask = FakeGeminiServer.textsOf(geminiFake.requests[1]?.body);
    assert.deepEqual(reask.map((content) => content.role), ['user', 'model', 'user']);
    assert.match(reask[2]!.text, /- summary: /);
    assert.match(reask[2]!.text, /- score: /);
  });

  it('asks only once: a second invalid answer fails with both attempts', async () => {
    openaiFake.enqueue('invalid_json', 'schema_mismatch');

    await assert.rejects(withRepair(openai).generateObject(request), (error: unknown) => {
      assert.ok(error instanceof ModelRetryError);
      assert.equal(error.reason, 'repair_failed');
      assert.equal(error.errorClass, 'invalid_output');
      assert.deepEqual(error.attempts.map((attempt) => attempt.errorClass), ['invalid_output', 'invalid_output']);
      return true;
    });
    assert.equal(openaiFake.requests.length, 2);
  });

  it('leaves other failures alone', async () => {
    openaiFake.enqueue('quota_exhausted');

    await assert.rejects(withRepair(openai).generateObject(request), (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.equal(error.errorClass, 'quota_exhausted');
      return true;
    });
    assert.equal(openaiFake.requests.length, 1);
  });

  it('repairs an invalid answer that came after a retried 503', async () => {
    openaiFake.enqueue('unavailable', 'invalid_json', { kind: 'answer', object: good });

    const result = await withRepair(withRetry(openai, { initialDelayMs: 5, maxDelayMs: 10 })).generateObject(request);

    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['server_error', 'invalid_output', null]);
  });
});
