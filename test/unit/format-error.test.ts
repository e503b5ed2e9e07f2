import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { AppError } from '../../src/errors.js';
import { INTERNAL_MESSAGE, formatError, isInternal } from '../../src/graphql/format-error.js';

const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['approveProposal'] });

describe(formatError.name, () => {
  it('keeps the code, message and details of an AppError', () => {
    const formatted = formatError({ message: 'x' }, wrap(new AppError('CONFLICT', 'Already approved.', { currentStatus: 'APPROVED' })));
    assert.deepEqual(formatted.extensions, { currentStatus: 'APPROVED', code: 'CONFLICT' });
    assert.equal(formatted.message, 'Already approved.');
  });

  it('answers a deadlock or serialisation abort as a retryable CONFLICT, not an internal error', () => {
    for (const code of ['40P01', '40001']) {
      const abort = Object.assign(new Error('deadlock detected'), { code });
      const formatted = formatError({ message: 'deadlock detected' }, wrap(abort));
      assert.equal(formatted.extensions?.code, 'CONFLICT');
      assert.equal(formatted.extensions?.retryable, true);
      assert.equal(isInternal(wrap(abort)), false);
    }
  });

  it('masks anything unexpected', () => {
    const formatted = formatError({ message: 'relation "leads" does not exist' }, wrap(Object.assign(new Error('relation "leads" does not exist'), { code: '42P01' })));
    assert.deepEqual(formatted.extensions, { code: 'INTERNAL_SERVER_ERROR' });
    assert.equal(formatted.message, INTERNAL_MESSAGE);
  });
});
