import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { ModelRetryError } from '../../../../src/agents/models/language-model.js';
import { OpenAIModel } from '../../../../src/agents/models/openai.model.js';
import { backoffDelay, withRetry } from '../../../../src/agents/models/with-retry.js';
import { FakeOpenAIServer } from '../../../fakes/fake-openai.server.js';
import { ScriptedLanguageModel } from '../../../fakes/scripted-language-model.js';
import { modelFailure } from '../../../helpers/model-failure.js';

const schema = z.object({ answer: z.string() });
const request = {
  system: 'Answer.',
  messages: [{ role: 'user' as const, content: 'Well?' }],
  schema,
  schemaName: 'answer',
  offline: () => ({ answer: 'offline' }),
};
const fast = { initialDelayMs: 5, maxDelayMs: 20 };

describe(withRetry.name, () => {
  const fake = new FakeOpenAIServer();
  let openai: OpenAIModel;

  before(async () => {
    await fake.start();
    openai = new OpenAIModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.otherwise('answer');
  });

  it('retries a 503 and a 500, then answers, with every attempt in the result', async () => {
    fake.enqueue('unavailable', 'server_error');

    const result = await withRetry(openai, fast).generateObject(request);

    assert.equal(fake.requests.length, 3);
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['server_error', 'server_error', null]);
    assert.equal(result.provider, 'openai');
  });

  it('sends no request before the 2 s of a Retry-After: 2 have passed', async () => {
    fake.enqueue({ kind: 'rate_limited', retryAfterSeconds: 2 });

    const result = await withRetry(openai, fast).generateObject(request);

    const [limited, retried] = fake.requests;
    assert.equal(limited?.status, 429);
    assert.equal(retried?.status, 200);
    const gap = retried!.receivedAt - limited!.receivedAt;
    assert.ok(gap >= 2_000, `the retry arrived ${Math.round(gap)} ms after the 429`);
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['rate_limited', null]);
  });

  it('does not retry an exhausted quota', async () => {
    fake.enqueue('quota_exhausted');

    const error = await modelFailure(withRetry(openai, fast).generateObject(request));

    assert.equal(error.errorClass, 'quota_exhausted');
    assert.equal(fake.requests.length, 1);
  });

  it('does not retry a 400', async () => {
    const loose = z.object({ answer: z.string().optional() });

    const error = await modelFailure(withRetry(openai, fast).generateObject({ ...request, schema: loose }));

    assert.equal(error.errorClass, 'bad_request');
    assert.equal(fake.requests.length, 1);
  });

  it('does not retry a 401', async () => {
    const wrongKey = new OpenAIModel({ apiKey: 'sk-wrong-key-000000', baseUrl: fake.baseUrl, model: 'gpt-4.1-mini', timeoutMs: 5_000 });

    const error = await modelFailure(withRetry(wrongKey, fast).generateObject(request));

    assert.equal(error.errorClass, 'unauthorized');
    assert.equal(fake.requests.length, 1);
  });

  it('does not retry an invalid answer: that is for the repair wrapper', async () => {
    fake.enqueue('invalid_json');

    const error = await modelFailure(withRetry(openai, fast).generateObject(request));

    assert.equal(error.errorClass, 'invalid_output');
    assert.equal(fake.requests.length, 1);
  });

  it('retries a timeout', async () => {
    fake.enqueue('hang');
    const abandonedBefore = fake.abandoned;

    const result = await withRetry(openai, fast).generateObject({ ...request, timeoutMs: 150 });

    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['timeout', null]);
    await fake.waitForAbandoned(abandonedBefore + 1);
  });

  it('gives up after the last attempt with a retry error that keeps every attempt', async () => {
    fake.otherwise('server_error');

    const error = await modelFailure(withRetry(openai, { ...fast, maxAttempts: 3 }).generateObject(request));

    assert.ok(error instanceof ModelRetryError);
    assert.equal(error.reason, 'attempts_exhausted');
    assert.equal(error.errors.length, 3);
    assert.equal(error.attempts.length, 3);
    assert.equal(error.errorClass, 'server_error');
    assert.equal(error.retryable, false, 'an outer retry must not multiply the attempts');
    assert.equal(fake.requests.length, 3);
  });

  it('leaves a wait longer than allowed to the next provider instead of sleeping', async () => {
    fake.enqueue({ kind: 'rate_limited', retryAfterSeconds: 60 });
    const started = performance.now();

    const error = await modelFailure(withRetry(openai, { ...fast, maxRetryAfterMs: 10_000 }).generateObject(request));

    assert.equal(error.errorClass, 'rate_limited');
    assert.equal(fake.requests.length, 1);
    assert.ok(performance.now() - started < 1_000);
  });

  it('stops retrying once the time budget would be exceeded', async () => {
    const model = new ScriptedLanguageModel('stub', [{ errorClass: 'rate_limited', retryAfterMs: 500 }]);

    const error = await modelFailure(withRetry(model, { ...fast, maxElapsedMs: 100 }).generateObject(request));

    assert.equal(error.errorClass, 'rate_limited');
    assert.equal(model.calls, 1);
  });

  it('stops waiting when the caller cancels', async () => {
    const model = new ScriptedLanguageModel('stub', [{ errorClass: 'rate_limited', retryAfterMs: 5_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();

    const error = await modelFailure(withRetry(model, fast).generateObject({ ...request, signal: controller.signal }));

    assert.equal(error.errorClass, 'aborted');
    assert.equal(model.calls, 1);
    assert.ok(performance.now() - started < 1_000);
  });
});

describe(backoffDelay.name, () => {
  const settings = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles each step and keeps to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, settings, () => 1)),
      [100, 200, 400, 800, 1_000, 1_000],
    );
  });

  it('jitters within the upper half of each step', () => {
    assert.deepEqual(
      [1, 2, 3].map((retry) => backoffDelay(retry, settings, () => 0)),
      [50, 100, 200],
    );
  });
});
