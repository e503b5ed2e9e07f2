import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postDigest } from '../../../src/bot/daily-digest.js';
import { LeadSource, ProposalStatus } from '../../../src/entities/enums.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { APPROVAL_CHANNEL } from '../../fakes/fake-slack-requests.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { TestClock } from '../../helpers/smtp.js';
import { messageText, settle, slackEnv } from './slack-test-kit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(postDigest.name, () => {
  const fake = new FakeSlackServer();
  // 07:00 server time on 10 March: before DIGEST_AT.
  const clock = new TestClock(new Date(2026, 2, 10, 7, 0));
  let database: TestDatabase;
  let server: TestServer;

  before(async () => {
    await fake.start();
    database = await createTestDatabase();
    server = await startTestServer({ database, bot: {}, clock, env: slackEnv(fake, { DIGEST_AT: '08:00', APPROVAL_REMINDER_AFTER: '4h' }) });
  });
  after(async () => {
    await server?.stop();
    await fake.stop();
    await database?.drop();
  });

  async function lead(name: string, capturedAt: Date, extra: { status?: string; firstResponseAfterMs?: number } = {}) {
    const { lead: created } = await server.services.leads.submit({ name, email: `${name.replace(/\W/g, '').toLowerCase()}-${Date.now()}@example.com`, company: `${name} GmbH`, message: 'We need a shop.', source: LeadSource.API }, 'system');
    await server.dataSource.query(`UPDATE leads SET created_at = $2, status = coalesce($3, status), first_response_at = $4 WHERE id = $1`, [
      created.id,
      capturedAt,
      extra.status ?? null,
      extra.firstResponseAfterMs !== undefined ? new Date(capturedAt.getTime() + extra.firstResponseAfterMs) : null,
    ]);
    return created;
  }

  it('posts yesterday\'s numbers, the analyst\'s reading and what is overdue once a day at DIGEST_AT, however often it is swept', async () => {
    await lead('Early Bird', new Date(2026, 2, 9, 9, 0), { status: 'in_progress', firstResponseAfterMs: 30_000 });
    await lead('Late Owl', new Date(2026, 2, 9, 22, 0), { status: 'disqualified', firstResponseAfterMs: 90_000 });
    await lead('Not Yesterday', new Date(2026, 2, 8, 12, 0), { firstResponseAfterMs: 1_000 });
    await lead('Broken <!channel> <@U0CEO>', new Date(2026, 2, 9, 12, 0), { status: 'failed' });
    // Waiting since yesterday noon: past its 4 h reminder.
    const waiting = await lead('Waiting', new Date(2026, 2, 9, 11, 0));
    const proposal = await server.services.proposals.createDraft(waiting.id, { title: 'Waiting <here>' }, ProposalStatus.PENDING_APPROVAL);
    await server.dataSource.query(`UPDATE proposals SET updated_at = $2 WHERE id = $1`, [proposal.id, new Date(2026, 2, 9, 12, 0)]);

    assert.equal((await server.bot!.sweep()).digest, null, 'not before DIGEST_AT');
    clock.advance(HOUR + 60_000);
    const [first, second] = await Promise.all([server.bot!.sweep(), server.bot!.sweep()]);
    assert.deepEqual([first.digest, second.digest].filter(Boolean), ['2026-03-10'], 'one sweep claims it');
    const [digest] = await fake.waitFor('the digest', () => fake.digests().length > 0 && fake.digests());
    assert.equal(digest!.channel, APPROVAL_CHANNEL);
    const text = messageText(digest!);
    assert.match(text, /Daily digest for 2026-03-09/);
    assert.match(text, /Leads captured: 4 · qualified: 1/);
    assert.match(text, /Median first response: 1 min/, 'the median of 30 s and 90 s');
    assert.match(text, /\d of 5 targets met from 2026-03-09/, "the analyst's headline");
    assert.match(text, /1 proposal waiting past the reminder\*\n\s+• Waiting &lt;here&gt; for Waiting GmbH/);
    assert.match(text, /1 failed lead/);
    assert.match(text, /Broken &lt;!channel&gt; &lt;@U0CEO&gt;/, 'names are escaped');
    assert.doesNotMatch(text, /<!channel>|<@U0CEO>/);

    await server.bot!.sweep();
    clock.advance(3 * HOUR);
    await server.bot!.sweep();
    await settle(server);
    assert.equal(fake.digests().length, 1, 'once a day');

    clock.advance(DAY);
    assert.equal((await server.bot!.sweep()).digest, '2026-03-11', 'the next day');
    await fake.waitFor('the second digest', () => fake.digests().length === 2);
    assert.match(messageText(fake.digests()[1]!), /Daily digest for 2026-03-10/);
  });

  it('posts no second digest for a day after a restart', async () => {
    const before = fake.digests().length;
    await server.stop();
    server = await startTestServer({ database, bot: {}, clock, env: slackEnv(fake, { DIGEST_AT: '08:00' }) });
    assert.equal((await server.bot!.sweep()).digest, null);
    await settle(server);
    assert.equal(fake.digests().length, before);
    const rows = (await server.dataSource.query(`SELECT day::text AS day, ts IS NOT NULL AS posted FROM slack_digests ORDER BY day`)) as { day: string; posted: boolean }[];
    assert.deepEqual(rows, [
      { day: '2026-03-10', posted: true },
      { day: '2026-03-11', posted: true },
    ]);
  });
});
