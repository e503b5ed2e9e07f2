import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkText, deciderText, escapeMrkdwn } from '../../../src/bot/slack-text.js';

describe(escapeMrkdwn.name, () => {
  it('escapes &, < and > so no mention, special mention or link can be formed', () => {
    assert.equal(escapeMrkdwn('a & b <!channel> <@U123> <https://evil.example|bank>'), 'a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt;');
  });

  it('breaks up bare @channel, @here and @everyone, in any case', () => {
    const escaped = escapeMrkdwn('hey @channel, @HERE and @everyone; not @channels4ever or mail@example.com');
    assert.doesNotMatch(escaped, /@(channel|here|everyone)\b/i);
    assert.match(escaped, /@channels4ever/);
    assert.match(escaped, /mail@example\.com/);
  });
});

describe(chunkText.name, () => {
  it('splits long text into pieces within the limit, never inside an escape, losing nothing', () => {
    const text = escapeMrkdwn(`${'word & more '.repeat(400)}\n${'<tag> '.repeat(600)}`);
    const chunks = chunkText(text, 3000);
    assert.ok(chunks.length > 1);
    assert.ok(chunks.every((chunk) => chunk.length <= 3000));
    assert.ok(chunks.every((chunk) => !/&[a-z]*$/.test(chunk)), 'no chunk ends in half an escape');
    assert.equal(chunks.join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''));
  });
});

describe(deciderText.name, () => {
  it('mentions a recorded Slack user and escapes anything else', () => {
    assert.equal(deciderText('slack:U0ALICE'), '<@U0ALICE>');
    assert.equal(deciderText('api-key:<!channel>'), 'api-key:&lt;!channel&gt;');
  });
});
