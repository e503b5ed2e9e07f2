import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { InvalidOutputError, ModelCallError, RateLimitedError } from '../../../../src/agents/models/language-model.js';
import { OpenAIModel } from '../../../../src/agents/models/openai.model.js';
import { FakeOpenAIServer } from '../../../fakes/fake-openai.server.js';
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
  messages: [{ role: 'user' as const, content: 'Is this a good idea?' }],
  schema: verdictSchema,
  schemaName: 'verdict',
  temperature: 0.2,
};

describe(OpenAIModel.name, () => {
  const fake = new FakeOpenAIServer();
  let model: OpenAIModel;

  before(async () => {
    await fake.start();
    model = new OpenAIModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.otherwise('answer');
  });

  it('answers with the parsed object, the tokens, the latency and the snapshot that answered', async () => {
    const answer = { reasoning: 'It pays off.', verdict: 'yes', score: 80, tags: ['clear'], note: null };
    fake.enqueue({ kind: 'answer', object: answer });

    const result = await model.generateObject(request);

    assert.deepEqual(result.object, answer);
    assert.equal(result.provider, 'openai');
    assert.equal(result.model, 'gpt-4.1-mini-2025-04-14');
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
    assert.ok(result.latencyMs >= 0);
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), [null]);
  });

  it('sends a chat completion with the system text first and a strict JSON-schema response format', async () => {
    await model.generateObject(request);

    const [sent] = fake.requests;
    assert.equal(sent?.status, 200);
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, '/v1/chat/completions');
    assert.equal(sent?.headers['authorization'], `Bearer ${fake.apiKey}`);
    const body = sent?.body as Record<string, any>;
    assert.equal(body['model'], 'gpt-4.1-mini');
    assert.equal(body['temperature'], 0.2);
    assert.deepEqual(body['messages'], [
      { role: 'system', content: 'You judge things.' },
      { role: 'user', content: 'Is this a good idea?' },
    ]);
    assert.equal(body['response_format'].type, 'json_schema');
    assert.equal(body['response_format'].json_schema.name, 'verdict');
    assert.equal(body['response_format'].json_schema.strict, true);
    assert.deepEqual(body['response_format'].json_schema.schema.required, ['reasoning', 'verdict', 'score', 'tags', 'note']);
    assert.equal(body['response_format'].json_schema.schema.$schema, undefined);
  });

  it('gets the 400 the real API gives a schema strict mode refuses, and calls it a bad request', async () => {
    const loose = z.object({ answer: z.string(), comment: z.string().optional() });

    const error = await modelFailure(model.generateObject({ ...request, schema: loose, schemaName: 'loose' }));

    assert.equal(error.errorClass, 'bad_request');
    assert.equal(error.retryable, false);
    assert.equal((error as ModelCallError).status, 400);
    assert.match(error.message, /Invalid schema for response_format 'loose'.*'required' is required .* Missing 'comment'/);
  });

  it('takes a 429 with insufficient_quota for an exhausted quota, which is not retryable', async () => {
    fake.enqueue('quota_exhausted');

    const error = await modelFailure(model.generateObject(request));

    assert.equal(error.errorClass, 'quota_exhausted');
    assert.equal(error.retryable, false);
  });

  it('takes any other 429 for a rate limit and reads its Retry-After', async () => {
    fake.enqueue({ kind: 'rate_limited', retryAfterSeconds: 2 });

    const error = await modelFailure(model.generateObject(request));

    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.retryable, true);
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
    assert.equal(error.retryable, true);
    await fake.waitForAbandoned(1);
  });

  it('stops when the caller aborts, and says so', async () => {
    fake.enqueue('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await modelFailure(model.generateObject({ ...request, signal: controller.signal }));

    assert.equal(error.errorClass, 'aborted');
    assert.equal(error.retryable, false);
  });

  it('tells an answer cut off mid-JSON apart, keeping the text and the tokens it cost', async () => {
    fake.enqueue('invalid_json');

    const error = await modelFailure(model.generateObject(request));

    assert.ok(error instanceof InvalidOutputError);
    assert.match(error.message, /not valid JSON.*cut off at the token limit/);
    assert.ok(error.text.length > 0);
    assert.match(error.issues[0] ?? '', /not valid JSON/);
    assert.ok(error.usage.outputTokens > 0);
  });

  it('tells an answer that misses the schema apart, listing what is wrong', async () => {
    fake.enqueue({ kind: 'schema_mismatch', object: { reasoning: 'hm', verdict: 'maybe', score: 101, tags: [], note: null } });

    const error = await modelFailure(model.generateObject(request));

    assert.ok(error instanceof InvalidOutputError);
    assert.equal(error.retryable, false);
    assert.ok(error.issues.some((issue) => issue.startsWith('verdict:')));
    assert.ok(error.issues.some((issue) => issue.startsWith('score:')));
    assert.ok(error.issues.some((issue) => issue.startsWith('tags:')));
  });

  it('reports a refusal as refused', async () => {
    fake.enqueue('refusal');

    const error = await modelFailure(model.generateObject(request));

    assert.equal(error.errorClass, 'refused');
  });

  it('never lets the API key into an error message', async () => {
    const secret = 'sk-proj-SECRETSECRETSECRET-9876';
    const wrong = new OpenAIModel({ apiKey: secret, baseUrl: fake.baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });

    const error = await modelFailure(wrong.generateObject(request));

    assert.equal(error.errorClass, 'unauthorized');
    const told = `${error.message} ${JSON.stringify(error.attempts)} ${inspect(error, { depth: 10 })}`;
    assert.doesNotMatch(told, /SECRET|9876|sk-proj/);
    assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
  });

  it('reports a refused connection as a connection failure', async () => {
    const nowhere = new FakeOpenAIServer();
    await nowhere.start();
    const baseUrl = nowhere.baseUrl;
    await nowhere.close();
    const unreachable = new OpenAIModel({ apiKey: fake.apiKey, baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });

    const error = await modelFailure(unreachable.generateObject(request));

    assert.equal(error.errorClass, 'connection');
    assert.equal(error.retryable, true);
  });

  it('calls an unknown model a bad request (404)', async () => {
    const unknown = new OpenAIModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gpt-0', timeoutMs: 5_000 });

    const error = await modelFailure(unknown.generateObject(request));

    assert.equal(error.errorClass, 'bad_request');
    assert.match(error.message, /does not exist/);
  });
});
