import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncCard } from '../../../src/bot/card-sync.job.js';
import type { Clock } from '../../../src/lib/clock.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { APPROVAL_CHANNEL, buttonClick, interactionBody, postSigned } from '../../fakes/fake-slack-requests.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { actionIdsOf, ALICE, decisionsOf, eventually, messageText, pendingProposal, settle, slackEnv, statusOf } from './slack-test-kit.js';

const HOUR = 3_600_000;

/** A clock the spec moves by hand. */
function movableClock(): Clock & { set(at: Date): void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    set(at: Date) {
      offsetMs = at.getTime() - Date.now();
    },
  };
}

describe(syncCard.name, () => {
  describe('a burst', () => {
    const fake = new FakeSlackServer();
    let server: TestServer;
    before(async () => {
      await fake.start();
      server = await startTestServer({ bot: {}, env: slackEnv(fake) });
    });
    after(async () => {
      await server.stop();
      await fake.stop();
    });

    it('posts 50 pending proposals, all, in order, none doubled, while Slack answers some posts 429 and loses one answer', async () => {
      fake.rateLimitEvery('chat.postMessage', 9, 1);
      fake.loseResponses('chat.postMessage', 0);
      const ids: string[] = [];
      for (let index = 0; index < 50; index += 1) {
        if (index === 20) fake.loseResponses('chat.postMessage', 1);
        ids.push((await pendingProposal(server, { title: `Burst ${index}` })).id);
      }
      await fake.waitFor('50 cards', () => ids.every((id) => fake.cardOf(id)), 90_000);
      fake.rateLimitEvery('chat.postMessage', 0);
      // The post whose answer was lost is known only once its job's retry found it in the history.
      const posted = async () => ((await server.dataSource.query(`SELECT count(*)::int AS n FROM slack_posts WHERE ts IS NOT NULL AND proposal_id = ANY($1::uuid[])`, [ids])) as { n: number }[])[0]!.n;
      await eventually('every post recorded', async () => (await posted()) === 50, 60_000);
      await settle(server);
      const cards = fake.channelMessages(APPROVAL_CHANNEL).filter((message) => message.metadata?.event_type === 'leadpilot_proposal_card');
      assert.deepEqual(cards.map((card) => card.metadata!.event_payload['proposal_id']), ids, 'each once, in the order they started waiting');
      assert.ok(fake.calls.some((call) => call.method === 'chat.postMessage' && call.status === 429), 'Slack did rate-limit');
      assert.ok(fake.calls.some((call) => call.method === 'chat.postMessage' && call.status === 0), 'an answer was lost');
      assert.ok(fake.callsOf('conversations.history').length >= 1, 'the retry looked before posting again');
      const lost = fake.calls.find((call) => call.method === 'chat.postMessage' && call.status === 0)!;
      const lostId = JSON.parse(String(lost.body['metadata'])).event_payload.proposal_id as string;
      const [row] = (await server.dataSource.query(`SELECT ts FROM slack_posts WHERE proposal_id = $1`, [lostId])) as { ts: string }[];
      assert.equal(row!.ts, fake.cardOf(lostId)!.ts, 'the lost post was adopted, not posted again');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const waits = Number(/^leadpilot_slack_rate_limit_wait_seconds_count\{method="chat\.postMessage"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
      const rateLimited = fake.calls.filter((call) => call.method === 'chat.postMessage' && call.status === 429).length;
      assert.equal(waits, rateLimited, 'every 429 is a wait in /metrics');
      assert.match(metrics, /^leadpilot_slack_posts_total\{method="chat\.postMessage",outcome="ok"\} (?!0\b)\d+$/m);
    });
  });

  describe('reminders and expiry', () => {
    const fake = new FakeSlackServer();
    const clock = movableClock();
    let server: TestServer;
    before(async () => {
      await fake.start();
      server = await startTestServer({ bot: {}, clock, env: slackEnv(fake, { APPROVAL_REMINDER_AFTER: '4h', APPROVAL_EXPIRES_AFTER: '72h' }) });
    });
    after(async () => {
      await server.stop();
      await fake.stop();
    });

    it('reminds once in the thread past APPROVAL_REMINDER_AFTER, and expires past APPROVAL_EXPIRES_AFTER, never approving', async () => {
      const start = new Date();
      const proposal = await pendingProposal(server);
      const card = await fake.waitFor('the card', () => fake.cardOf(proposal.id));

      clock.set(new Date(start.getTime() + 3 * HOUR));
      await server.bot!.sweep();
      await settle(server);
      assert.deepEqual(fake.threadOf(card.ts), [], 'no reminder before its time');

      clock.set(new Date(start.getTime() + 4 * HOUR + 60_000));
      await server.bot!.sweep();
      const [reminder] = await fake.waitFor('the reminder', () => fake.threadOf(card.ts).length > 0 && fake.threadOf(card.ts));
      assert.match(reminder!.text, /Reminder/);
      assert.match(reminder!.text, /silence is never approval/);
      await server.bot!.sweep();
      await settle(server);
      assert.equal(fake.threadOf(card.ts).length, 1, 'one reminder, however often the sweep runs');
      assert.equal(await statusOf(server, proposal.id), 'pending_approval');

      clock.set(new Date(start.getTime() + 72 * HOUR + 60_000));
      const swept = await server.bot!.sweep();
      assert.deepEqual(swept.expired, [proposal.id]);
      assert.equal(await statusOf(server, proposal.id), 'approval_expired');
      assert.deepEqual(await decisionsOf(server, proposal.id), [], 'expiry is not a decision');
      const updated = await fake.waitFor('the card to say so', () => /Approval expired/.test(messageText(fake.cardOf(proposal.id)!)) && fake.cardOf(proposal.id));
      assert.deepEqual(actionIdsOf(updated), ['proposal_view']);

      const responseUrl = fake.responseUrl('late');
      await postSigned(server.url, interactionBody(buttonClick({ actionId: 'proposal_approve', proposalId: proposal.id, userId: ALICE, messageTs: card.ts, responseUrl })));
      const answer = await fake.waitFor('the answer', () => fake.responses.find((response) => response.id === 'late'));
      assert.match(answer.body['text'], /approval expired; it can no longer be decided/);
      assert.equal(await statusOf(server, proposal.id), 'approval_expired');
    });
  });

  describe('expiry racing a decision', () => {
    const fake = new FakeSlackServer();
    const clock = movableClock();
    let server: TestServer;
    before(async () => {
      await fake.start();
      server = await startTestServer({ bot: {}, clock, env: slackEnv(fake) });
    });
    after(async () => {
      await server.stop();
      await fake.stop();
    });

    it('ends in exactly one outcome when expiry and an approval come at once', async () => {
      for (let round = 0; round < 4; round += 1) {
        const proposal = await pendingProposal(server);
        const card = await fake.waitFor('the card', () => fake.cardOf(proposal.id));
        clock.set(new Date(Date.now() + 73 * HOUR));
        await Promise.all([
          server.bot!.sweep(),
          postSigned(server.url, interactionBody(buttonClick({ actionId: 'proposal_approve', proposalId: proposal.id, userId: ALICE, messageTs: card.ts, responseUrl: fake.responseUrl(`race${round}`) }))),
        ]);
        await settle(server);
        clock.set(new Date());
        const status = await statusOf(server, proposal.id);
        const decisions = await decisionsOf(server, proposal.id);
        if (status === 'approved') assert.equal(decisions.length, 1);
        else assert.deepEqual([status, decisions.length], ['approval_expired', 0]);
      }
    });
  });

  describe('a restart', () => {
    const fake = new FakeSlackServer();
    let database: TestDatabase;
    before(async () => {
      await fake.start();
      database = await createTestDatabase();
    });
    after(async () => {
      await fake.stop();
      await database.drop();
    });

    it('keeps working across a restart: a card posted before it is decided after it, and what became pending meanwhile is posted', async () => {
      const first = await startTestServer({ database, bot: {}, env: slackEnv(fake) });
      const before = await pendingProposal(first);
      const card = await fake.waitFor('the card', () => fake.cardOf(before.id));
      await first.stop();

      // Nobody runs the bot while this one starts waiting.
      const apiOnly = await startTestServer({ database, env: slackEnv(fake) });
      const meanwhile = await pendingProposal(apiOnly);
      await apiOnly.stop();
      assert.equal(fake.cardOf(meanwhile.id), undefined);

      const second = await startTestServer({ database, bot: {}, env: slackEnv(fake) });
      try {
        await fake.waitFor('the card of the proposal that started waiting during the restart', () => fake.cardOf(meanwhile.id));
        const response = await postSigned(second.url, interactionBody(buttonClick({ actionId: 'proposal_approve', proposalId: before.id, userId: ALICE, messageTs: card.ts, responseUrl: fake.responseUrl('restart') })));
        assert.equal(response.status, 200);
        await eventually('the decision', async () => (await decisionsOf(second, before.id)).length === 1);
        assert.equal(await statusOf(second, before.id), 'approved');
        const updated = await fake.waitFor('the card updated', () => (fake.cardOf(before.id)!.updates > 0 ? fake.cardOf(before.id) : undefined));
        assert.deepEqual(actionIdsOf(updated), ['proposal_view']);
        assert.equal(fake.cardsOf(before.id).length, 1);
        assert.equal(fake.cardsOf(meanwhile.id).length, 1);
        const keys = (await second.dataSource.query(`SELECT count(*)::int AS n FROM api_keys WHERE name LIKE 'slack-bot (provisioned%' AND revoked_at IS NULL`)) as { n: number }[];
        assert.equal(keys[0]!.n, 1, 'one live provisioned bot key, not one per start');
      } finally {
        await second.stop();
      }
    });
  });
});
