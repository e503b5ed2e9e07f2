import assert from 'node:assert/strict';
import { ModelError } from '../../src/agents/models/language-model.js';

/** Awaits a call that must fail with a ModelError, and returns that error for inspection. */
export async function modelFailure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
