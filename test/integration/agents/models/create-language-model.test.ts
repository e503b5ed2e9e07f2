import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../../../src/config.js';
import { createLanguageModel } from '../../../../src/agents/models/create-language-model.js';
import { ModelError, ModelFallbackError } from '../../../../src/agents/models/language-model.js';
import { MemoryAgentRunRecorder } from '../../../../src/agents/models/with-run-recording.js';
import { FakeGeminiServer } from '../../../fakes/fake-gemini.server.js';
import { FakeOpenAIServer } from '../../../fakes/fake-openai.server.js';

const schema = z.object({ reasoning: z.string(), fit: z.number().int().min(0).max(100) });
const offlineAnswer = { reasoning: 'rules', fit: 42 };
const request = {
  system: 'Judge the fit.',
  messages: [{ role: 'user' as const, content: 'We need a portal.' }],
  schema,
  schemaName: 'fit',
  offline: () => offlineAnswer,
  run: { agent: 'qualification', strategy: 'chain-of-thought', promptVersion: 'qualify-lead/v1', leadId: '00000000-0000-4000-8000-000000000001' },
};
const fast = { initialDelayMs: 2, maxDelayMs: 5 };

describe(createLanguageModel.name, () => {
  const openaiFake = new FakeOpenAIServer();
  const geminiFake = new FakeGeminiServer();
  let recorder: MemoryAgentRunRecorder;

  const environment = (extra: Record<string, string> = {}) => ({
    OPENAI_API_KEY: openaiFake.apiKey,
    OPENAI_BASE_URL: openaiFake.baseUrl,
    GEMINI_API_KEY: geminiFake.apiKey,
    GEMINI_BASE_URL: geminiFake.baseUrl,
    LLM_TIMEOUT: '2s',
    LLM_MAX_ATTEMPTS: '2',
    ...extra,
  });
  const chain = (extra: Record<string, string> = {}, breaker = {}) =>
    createLanguageModel(loadConfig(environment(extra)).llm, { recorder, retry: fast, breaker });

  before(() => Promise.all([openaiFake.start(), geminiFake.start()]));
  after(() => Promise.all([openaiFake.close(), geminiFake.close()]));
  beforeEach(() => {
    recorder = new MemoryAgentRunRecorder();
    for (const fake of [openaiFake, geminiFake]) {
      fake.requests.length = 0;
      fake.otherwise('answer');
    }
  });

  it('defaults to the providers with a key, then offline', () => {
    const { model, circuits } = createLanguageModel(loadConfig(environment()).llm);
    assert.equal(model.provider, 'openai>gemini>offline');
    assert.deepEqual(circuits.map((circuit) => circuit.provider), ['openai', 'gemini']);
  });

  it('answers on OpenAI when it is up, and records one succeeded run', async () => {
    const result = await chain().model.generateObject(request);

    assert.equal(result.provider, 'openai');
    assert.equal(geminiFake.requests.length, 0);
    const [run] = recorder.runs;
    assert.equal(run?.status, 'succeeded');
    assert.equal(run?.agent, 'qualification');
    assert.equal(run?.strategy, 'chain-of-thought');
    assert.equal(run?.promptVersion, 'qualify-lead/v1');
    assert.equal(run?.leadId, request.run.leadId);
    assert.equal(run?.provider, 'openai');
    assert.equal(run?.model, 'gpt-4.1-mini-2025-04-14');
    assert.equal(run?.attempts.length, 1);
    assert.ok(run!.cost > 0, 'gpt-4.1-mini has a price');
    assert.equal(run?.error, null);
  });

  it('falls back to Gemini when OpenAI answers 500, after retrying it', async () => {
    openaiFake.otherwise('server_error');

    const result = await chain().model.generateObject(request);

    assert.equal(result.provider, 'gemini');
    assert.equal(openaiFake.requests.length, 2);
    assert.deepEqual(
      result.attempts.map((attempt) => `${attempt.provider}:${attempt.errorClass ?? 'ok'}`),
      ['openai:server_error', 'openai:server_error', 'gemini:ok'],
    );
    const [run] = recorder.runs;
    assert.equal(run?.provider, 'gemini');
    assert.equal(run?.model, 'gemini-2.5-flash');
    assert.deepEqual(run?.attempts.map((attempt) => attempt.errorClass), ['server_error', 'server_error', null]);
    assert.match(run!.attempts[0]!.message!, /openai 500/);
  });

  it('answers offline when both providers are down', async () => {
    openaiFake.otherwise('unavailable');
    geminiFake.otherwise('quota_exhausted');

    const result = await chain().model.generateObject(request);

    assert.deepEqual(result.object, offlineAnswer);
    assert.equal(result.provider, 'offline');
    assert.equal(geminiFake.requests.length, 1, 'an exhausted quota is not retried');
    const [run] = recorder.runs;
    assert.equal(run?.status, 'succeeded');
    assert.equal(run?.provider, 'offline');
    assert.deepEqual(
      run?.attempts.map((attempt) => `${attempt.provider}:${attempt.errorClass ?? 'ok'}`),
      ['openai:server_error', 'openai:server_error', 'gemini:quota_exhausted', 'offline:ok'],
    );
  });

  it('moves to the next provider after an answer that stays invalid on the re-ask', async () => {
    openaiFake.enqueue('invalid_json', 'schema_mismatch');

    const result = await chain().model.generateObject(request);

    assert.equal(result.provider, 'gemini');
    assert.deepEqual(result.attempts.map((attempt) => attempt.errorClass), ['invalid_output', 'invalid_output', null]);
    assert.ok(recorder.runs[0]!.inputTokens > result.attempts[2]!.usage.inputTokens, 'the failed answers count in the tokens');
  });

  it('skips OpenAI while its circuit is open, going straight to Gemini', async () => {
    openaiFake.otherwise('server_error');
    const { model, circuits } = chain({}, { failureThreshold: 2, cooldownMs: 60_000 });

    for (let call = 0; call < 4; call++) assert.equal((await model.generateObject(request)).provider, 'gemini');

    assert.equal(circuits[0]?.circuit.state, 'open');
    assert.equal(openaiFake.requests.length, 4, 'two calls of two attempts, then skipped');
    const skipped = recorder.runs[3]!;
    assert.deepEqual(skipped.attempts.map((attempt) => `${attempt.provider}:${attempt.errorClass ?? 'ok'}`), ['openai:circuit_open', 'gemini:ok']);
  });

  it('probes OpenAI again once the cool-down has passed on the clock, and closes its circuit when it answers', async () => {
    let time = new Date('2026-11-25T10:00:00Z').getTime();
    const clock = { now: () => new Date(time) };
    openaiFake.otherwise('server_error');
    const { model, circuits } = createLanguageModel(loadConfig(environment()).llm, {
      recorder,
      clock,
      retry: fast,
      breaker: { failureThreshold: 1, cooldownMs: 30_000 },
    });

    assert.equal((await model.generateObject(request)).provider, 'gemini');
    assert.equal(circuits[0]?.circuit.state, 'open');
    time += 29_999;
    assert.equal((await model.generateObject(request)).provider, 'gemini');
    assert.equal(openaiFake.requests.length, 2, 'skipped during the cool-down');
    openaiFake.otherwise('answer');
    time += 1;

    assert.equal((await model.generateObject(request)).provider, 'openai');
    assert.equal(circuits[0]?.circuit.state, 'closed');
    assert.equal(recorder.runs.at(-1)?.createdAt.getTime(), time, 'runs are stamped by the same clock');
  });

  it('records a failed run, with every attempt and no answering provider, when nothing answers', async () => {
    openaiFake.otherwise('quota_exhausted');
    geminiFake.otherwise('server_error');

    await assert.rejects(chain().model.generateObject({ ...request, offline: undefined }), (error: unknown) => {
      assert.ok(error instanceof ModelFallbackError);
      assert.equal(error.errors.length, 3);
      return true;
    });
    const [run] = recorder.runs;
    assert.equal(run?.status, 'failed');
    assert.equal(run?.provider, null);
    assert.equal(run?.model, null);
    assert.deepEqual(
      run?.attempts.map((attempt) => `${attempt.provider}:${attempt.errorClass}`),
      ['openai:quota_exhausted', 'gemini:server_error', 'gemini:server_error', 'offline:bad_request'],
    );
    assert.match(run!.error!, /every provider failed/);
    assert.equal(run?.cost, 0);
  });

  it('stops the chain when the caller cancels', async () => {
    openaiFake.enqueue('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    await assert.rejects(chain().model.generateObject({ ...request, signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.equal(error.errorClass, 'aborted');
      return true;
    });
    assert.equal(geminiFake.requests.length, 0);
    assert.equal(recorder.runs[0]?.status, 'failed');
  });

  it('runs on offline alone when no key is set', async () => {
    const { model, circuits } = createLanguageModel(loadConfig({}).llm, { recorder });

    const result = await model.generateObject(request);

    assert.equal(model.provider, 'offline');
    assert.equal(circuits.length, 0);
    assert.deepEqual(result.object, offlineAnswer);
    assert.equal(recorder.runs[0]?.provider, 'offline');
    assert.equal(recorder.runs[0]?.cost, 0);
  });

  it('keeps the keys out of run records and logs', async () => {
    const logged: unknown[] = [];
    const logger = { info: (details: object) => logged.push(details), warn: (details: object) => logged.push(details) };
    const wrongKeys = loadConfig(environment({ OPENAI_API_KEY: 'sk-live-TOPSECRET-1234', GEMINI_API_KEY: 'AIzaTOPSECRET-abcdefghijkl' })).llm;

    await createLanguageModel(wrongKeys, { recorder, logger, retry: fast }).model.generateObject(request);

    const everything = inspect({ runs: recorder.runs, logged }, { depth: 20 });
    assert.doesNotMatch(everything, /TOPSECRET|1234|abcdefghijkl/);
    assert.deepEqual(recorder.runs[0]?.attempts.map((attempt) => attempt.errorClass), ['unauthorized', 'unauthorized', null]);
  });
});
