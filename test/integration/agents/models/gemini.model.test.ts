import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { z } from 'zod';
import { GeminiModel } from '../../../../src/agents/models/gemini.model.js';
import { InvalidOutputError, ModelCallError, RateLimitedError } from '../../../../src/agents/models/language-model.js';
import { FakeGeminiServer } from '../../../fakes/fake-gemini.server.js';
import { modelFailure } from '../../../helpers/model-failure.js';

const verdictSchema = z.object({
  reasoning: z.string(),
  verdict: z.enum(['yes', 'no']),
  score: z.number().int().min(0).max(100),
  tags: z.array(z.string()).min(1).max(3),
  note: z.string().nullable(),
});

const request = {
  system: 'You judge things.',
  messages: [
    { role: 'user' as const, content: 'Is this a good idea?' },
    { role: 'assistant' as const, content: '{"draft":true}' },
    { role: 'user' as const, content: 'Again, as JSON.' },
  ],
  schema: verdictSchema,
  schemaName: 'verdict',
  temperature: 0.3,
};

describe(GeminiModel.name, () => {
  const fake = new FakeGeminiServer();
  let model: GeminiModel;

  before(async () => {
    await fake.start();
    model = new GeminiModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gemini-2.5-flash', timeoutMs: 5_000 });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.otherwise('answer');
  });

  it('answers with the parsed object, the tokens (thinking included), the latency and the model', async () => {
    const answer = { reasoning: 'Fine.', verdict: 'no', score: 10, tags: ['risky', 'late'], note: 'check again' };
    fake.enqueue({ kind: 'answer', object: answer });

    const result = await model.generateObject(request);

    assert.deepEqual(result.object, answer);
    assert.equal(result.provider, 'gemini');
    assert.equal(result.model, 'gemini-2.5-flash');
    assert.ok(result.usage.inputTokens > 0);
    assert.ok(result.usage.outputTokens > 12, 'the 12 thinking tokens of the fake are billed as output');
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), [null]);
  });

  it('sends generateContent with the key header, roles user and model, and JSON output against the schema', async () => {
    await model.generateObject(request);

    const [sent] = fake.requests;
    assert.equal(sent?.status, 200);
    assert.equal(sent?.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(sent?.headers['x-goog-api-key'], fake.apiKey);
    const body = sent?.body as Record<string, any>;
    assert.deepEqual(body['systemInstruction'].parts, [{ text: 'You judge things.' }]);
    assert.deepEqual(FakeGeminiServer.textsOf(body).map((content) => content.role), ['user', 'model', 'user']);
    assert.equal(body['generationConfig'].responseMimeType, 'application/json');
    assert.equal(body['generationConfig'].temperature, 0.3);
    const schema = body['generationConfig'].responseJsonSchema;
    assert.deepEqual(schema.propertyOrdering, ['reasoning', 'verdict', 'score', 'tags', 'note']);
    assert.equal(schema.$schema, undefined);
  });

  it('takes a daily quota for an exhausted quota, although Gemini adds a retry hint', async () => {
    fake.enqueue('quota_exhausted');

    const error = await modelFailure(model.generateObject(request));

    assert.equal(error.errorClass, 'quota_exhausted');
    assert.equal(error.retryable, false);
  });

  it('takes a per-minute quota for a rate limit and reads its RetryInfo delay', async () => {
    fake.enqueue({ kind: 'rate_limited', retryAfterSeconds: 2 });

    const error = await modelFailure(model.generateObject(request));

    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.retryAfterMs, 2_000);
  });

  it('takes a 500 and a 503 for retryable server errors', async () => {
    fake.enqueue('server_error', 'unavailable');

    for (const status of [500, 503]) {
      const error = await modelFailure(model.generateObject(request));
      assert.equal(error.errorClass, 'server_error');
      assert.equal(error.retryable, true);
      assert.equal((error as ModelCallError).status, status);
    }
  });

  it('aborts a request past its deadline: the server sees the connection closed', async () => {
    fake.enqueue('hang');

    const error = await modelFailure(model.generateObject({ ...request, timeoutMs: 200 }));

    assert.equal(error.errorClass, 'timeout');
    await fake.waitForAbandoned(1);
  });

  it('tells invalid JSON and a schema mismatch apart from each other', async () => {
    fake.enqueue('invalid_json', 'schema_mismatch');

    const cutOff = await modelFailure(model.generateObject(request));
    const mismatch = await modelFailure(model.generateObject(request));

    assert.ok(cutOff instanceof InvalidOutputError);
    assert.match(cutOff.message, /not valid JSON.*cut off/);
    assert.ok(mismatch instanceof InvalidOutputError);
    assert.match(mismatch.message, /does not match the schema/);
    assert.ok(mismatch.issues.some((issue) => issue.startsWith('reasoning:')));
  });

  it('reports an answer withheld for safety as refused', async () => {
    fake.enqueue('refusal');

    const error = await modelFailure(model.generateObject(request));

    assert.equal(error.errorClass, 'refused');
  });

  it('calls an invalid key unauthorized and never repeats it', async () => {
    const secret = 'AIzaSECRETSECRETSECRET-4321';
    const wrong = new GeminiModel({ apiKey: secret, baseUrl: fake.baseUrl, model: 'gemini-2.5-flash', timeoutMs: 5_000 });

    const error = await modelFailure(wrong.generateObject(request));

    assert.equal(error.errorClass, 'unauthorized');
    assert.doesNotMatch(`${error.message} ${inspect(error, { depth: 10 })}`, /SECRET|4321/);
  });

  it('calls an unknown model a bad request (404)', async () => {
    const unknown = new GeminiModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gemini-0', timeoutMs: 5_000 });

    const error = await modelFailure(unknown.generateObject(request));

    assert.equal(error.errorClass, 'bad_request');
    assert.match(error.message, /not found for API version v1beta/);
  });
});
