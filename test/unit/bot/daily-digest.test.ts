import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueDigestDay, formatDuration, localDay } from '../../../src/bot/daily-digest.js';
import { offsetText } from '../../../src/bot/follow-up-card.js';

describe(dueDigestDay.name, () => {
  it('is due from DIGEST_AT on, for the local day, and not before', () => {
    assert.equal(dueDigestDay(new Date(2026, 2, 10, 7, 59, 59), '08:00'), null);
    assert.equal(dueDigestDay(new Date(2026, 2, 10, 8, 0), '08:00'), '2026-03-10');
    assert.equal(dueDigestDay(new Date(2026, 2, 10, 23, 59), '08:00'), '2026-03-10');
    assert.equal(dueDigestDay(new Date(2026, 2, 11, 0, 5), '00:00'), '2026-03-11');
    assert.equal(dueDigestDay(new Date(2026, 2, 11, 0, 5), '23:30'), null);
  });

  it('names days by their local date, across month ends', () => {
    assert.equal(localDay(new Date(2026, 0, 1, 0, 0)), '2026-01-01');
    assert.equal(localDay(new Date(2026, 1, 28, 23, 59)), '2026-02-28');
  });
});

describe(offsetText.name, () => {
  it('says offsets in days, hours or minutes', () => {
    assert.equal(offsetText(86_400_000), '1 day');
    assert.equal(offsetText(3 * 86_400_000), '3 days');
    assert.equal(offsetText(5 * 3_600_000), '5 h');
    assert.equal(offsetText(90 * 60_000), '90 min');
    assert.equal(formatDuration(90_000), '2 min');
  });
});
