import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { CircuitOpenError, ModelError, type LanguageModel } from '../../../../src/agents/models/language-model.js';
import { withCircuitBreaker, type CircuitState } from '../../../../src/agents/models/with-circuit-breaker.js';
import { ScriptedLanguageModel } from '../../../fakes/scripted-language-model.js';

const request = {
  system: 'Answer.',
  messages: [{ role: 'user' as const, content: 'Well?' }],
  schema: z.object({ answer: z.string() }),
  schemaName: 'answer',
  offline: () => ({ answer: 'yes' }),
};

function setUp(inner: LanguageModel, failureThreshold = 3, cooldownMs = 10_000) {
  let time = 1_000_000;
  const changes: string[] = [];
  const logged: string[] = [];
  const breaker = withCircuitBreaker(inner, {
    failureThreshold,
    cooldownMs,
    now: () => time,
    onStateChange: ({ from, to }) => changes.push(`${from}->${to}`),
    logger: { info: (_, message) => logged.push(message), warn: (_, message) => logged.push(message) },
  });
  return { breaker, changes, logged, advance: (ms: number) => (time += ms) };
}

async function errorClassOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof ModelError);
    return error.errorClass;
  }
}

describe(withCircuitBreaker.name, () => {
  it('stays closed below the threshold, and a success resets the count', async () => {
    const inner = new ScriptedLanguageModel('openai', ['server_error', 'server_error', 'ok', 'server_error', 'server_error']);
    const { breaker } = setUp(inner);

    for (let call = 0; call < 5; call++) await errorClassOf(breaker.generateObject(request));

    assert.equal(breaker.circuit.state, 'closed');
    assert.equal(breaker.circuit.consecutiveFailures, 2);
  });

  it('opens after repeated provider failures, and says so in the log', async () => {
    const { breaker, changes, logged } = setUp(new ScriptedLanguageModel('openai', [], 'timeout'));

    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));

    assert.equal(breaker.circuit.state, 'open');
    assert.deepEqual(changes, ['closed->open']);
    assert.ok(logged.includes('circuit of openai opened'));
  });

  it('skips the provider while open, without calling it', async () => {
    const inner = new ScriptedLanguageModel('openai', [], 'server_error');
    const { breaker, advance } = setUp(inner);
    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));

    advance(9_999);
    await assert.rejects(breaker.generateObject(request), (error: unknown) => {
      assert.ok(error instanceof CircuitOpenError);
      assert.equal(error.errorClass, 'circuit_open');
      assert.equal(error.retryable, false);
      assert.deepEqual(error.attempts.map((attempt) => [attempt.provider, attempt.errorClass, attempt.latencyMs]), [['openai', 'circuit_open', 0]]);
      return true;
    });
    assert.equal(inner.calls, 3);
  });

  it('lets one probe through after the cool-down, and closes when it succeeds', async () => {
    const inner = new ScriptedLanguageModel('openai', ['server_error', 'server_error', 'server_error'], 'ok');
    const { breaker, changes, advance } = setUp(inner);
    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));

    advance(10_000);
    const result = await breaker.generateObject(request);

    assert.deepEqual(result.object, { answer: 'yes' });
    assert.equal(breaker.circuit.state, 'closed');
    assert.deepEqual(changes, ['closed->open', 'open->half_open', 'half_open->closed']);
  });

  it('opens again for another cool-down when the probe fails', async () => {
    const inner = new ScriptedLanguageModel('openai', [], 'connection');
    const { breaker, changes, advance } = setUp(inner);
    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));

    advance(10_000);
    assert.equal(await errorClassOf(breaker.generateObject(request)), 'connection');
    assert.equal(breaker.circuit.state, 'open');
    advance(5_000);
    assert.equal(await errorClassOf(breaker.generateObject(request)), 'circuit_open');
    assert.equal(inner.calls, 4);
    assert.deepEqual(changes, ['closed->open', 'open->half_open', 'half_open->open']);
  });

  it('lets only one probe through at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const scripted = new ScriptedLanguageModel('openai', ['server_error', 'server_error', 'server_error'], 'ok');
    const slow: LanguageModel = {
      provider: 'openai',
      model: 'slow',
      async generateObject(probeRequest) {
        if (scripted.calls >= 3) await gate;
        return scripted.generateObject(probeRequest);
      },
    };
    const { breaker, advance } = setUp(slow);
    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));
    advance(10_000);

    const probe = breaker.generateObject(request);
    assert.equal(await errorClassOf(breaker.generateObject(request)), 'circuit_open');
    release();
    await probe;

    assert.equal(breaker.circuit.state, 'closed');
  });

  it('does not hold a bad request or an invalid answer against the provider', async () => {
    const inner = new ScriptedLanguageModel('openai', ['server_error', 'server_error', 'bad_request', 'server_error', 'invalid_output', 'server_error']);
    const { breaker } = setUp(inner);

    for (let call = 0; call < 6; call++) await errorClassOf(breaker.generateObject(request));

    assert.equal(breaker.circuit.state, 'closed');
    assert.equal(breaker.circuit.consecutiveFailures, 1);
  });

  it('counts an exhausted quota and a refused key against the provider', async () => {
    const inner = new ScriptedLanguageModel('gemini', ['quota_exhausted', 'unauthorized', 'rate_limited']);
    const { breaker } = setUp(inner);

    for (let call = 0; call < 3; call++) await errorClassOf(breaker.generateObject(request));

    assert.equal(breaker.circuit.state satisfies CircuitState, 'open');
  });
});
