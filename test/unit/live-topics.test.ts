import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveTopic, parseLiveMessage } from '../../src/pubsub/live-topics.js';

describe(parseLiveMessage.name, () => {
  it('reads the ids-only messages Leadpilot publishes', () => {
    assert.deepEqual(parseLiveMessage('{"topic":"lead.changed","id":"a"}'), { topic: LiveTopic.LEAD_CHANGED, payload: { id: 'a' } });
    assert.deepEqual(parseLiveMessage('{"topic":"proposal.changed","id":"b","status":"approved"}'), {
      topic: LiveTopic.PROPOSAL_CHANGED,
      payload: { id: 'b', status: 'approved' },
    });
  });

  it('drops anything else instead of throwing in the listener', () => {
    for (const text of [undefined, '', 'not json', '[]', '{"topic":"lead.changed"}', '{"topic":"other","id":"a"}', '{"topic":"proposal.changed","id":"b"}']) {
      assert.equal(parseLiveMessage(text), undefined, String(text));
    }
  });
});
