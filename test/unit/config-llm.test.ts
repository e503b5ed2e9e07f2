import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe(loadConfig.name, () => {
  it('reads the model layer settings, with defaults', () => {
    assert.deepEqual(
      [loadConfig({}).llm.timeoutMs, loadConfig({}).llm.maxAttempts, loadConfig({}).llm.prices],
      [60_000, 3, {}],
    );
    const llm = loadConfig({ LLM_TIMEOUT: '20s', LLM_MAX_ATTEMPTS: '5', LLM_PRICES: 'gpt-4.1-mini=0.40/1.60, my-model=1/2.5' }).llm;
    assert.equal(llm.timeoutMs, 20_000);
    assert.equal(llm.maxAttempts, 5);
    assert.deepEqual(llm.prices, {
      'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
      'my-model': { inputPerMillion: 1, outputPerMillion: 2.5 },
    });
  });

  it('reports bad model layer settings together with the rest', () => {
    assert.throws(
      () => loadConfig({ LLM_TIMEOUT: 'soon', LLM_MAX_ATTEMPTS: '0', LLM_PRICES: 'gpt-4.1=cheap', PORT: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const variables = error.problems.map((problem) => problem.split(':')[0]).sort();
        assert.deepEqual(variables, ['LLM_MAX_ATTEMPTS', 'LLM_PRICES', 'LLM_TIMEOUT', 'PORT']);
        assert.ok(error.problems.some((problem) => problem.includes('expected model=input/output in USD per million tokens')));
        return true;
      },
    );
  });
});
