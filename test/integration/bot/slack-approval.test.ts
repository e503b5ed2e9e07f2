import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startSlackBot } from '../../../src/bot/slack-bot.js';
import { Role } from '../../../src/entities/enums.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { buttonClick, feedbackSubmission, interactionBody, postSigned, slashCommandBody } from '../../fakes/fake-slack-requests.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { actionIdsOf, ALICE, BOB, decisionsOf, eventually, MALLORY, messageText, pendingProposal, settle, slackEnv, statusOf } from './slack-test-kit.js';

describe(startSlackBot.name, () => {
  const fake = new FakeSlackServer();
  let server: TestServer;
  let responseCount = 0;
  const nextResponseUrl = () => fake.responseUrl(`r${++responseCount}`);
  const responsesTo = (url: string) => fake.responses.filter((response) => url.endsWith(`/response/${response.id}`));

  before(async () => {
    await fake.start();
    server = await startTestServer({ bot: {}, env: slackEnv(fake, { PUBLIC_URL: 'https://leads.example.com' }) });
  });
  after(async () => {
    await server.stop();
    await fake.stop();
  });

  async function postedCard(proposalId: string) {
    return fake.waitFor(`the card of ${proposalId}`, () => fake.cardOf(proposalId));
  }

  const updatedCard = (proposalId: string) => {
    const card = fake.cardOf(proposalId);
    return card && card.updates > 0 ? card : undefined;
  };

  async function click(actionId: string, proposalId: string, userId: string, options: { retryNum?: number; body?: string } = {}) {
    const card = await postedCard(proposalId);
    const responseUrl = nextResponseUrl();
    const body = options.body ?? interactionBody(buttonClick({ actionId, proposalId, userId, messageTs: card.ts, responseUrl }));
    const response = await postSigned(server.url, body, options.retryNum ? { retryNum: options.retryNum } : {});
    return { ...response, responseUrl, body };
  }

  it('posts a pending proposal as a card with its lead, price, review and the three buttons', async () => {
    const proposal = await pendingProposal(server, { title: 'Online shop', lineItems: [{ description: 'Shop build', days: 10, rate: 900, amount: 9000 }, { description: 'Hosting setup', days: 1, rate: 900, amount: 900 }] }, { name: 'Jane Doe', company: 'Acme GmbH' });
    const card = await postedCard(proposal.id);
    const text = messageText(card);
    assert.match(text, /Online shop/);
    assert.match(text, /Jane Doe/);
    assert.match(text, /Acme GmbH/);
    assert.match(text, /Shop build/);
    assert.match(text, /9,900 EUR/);
    assert.deepEqual(actionIdsOf(card), ['proposal_approve', 'proposal_reject', 'proposal_view']);
    assert.equal(card.channel, 'C0APPROVALS');
    assert.equal(card.threadTs, undefined);
  });

  it('approves on a click by an approver: acked, decided through the API as the Slack user, the card updated in place without buttons', async () => {
    const proposal = await pendingProposal(server);
    const response = await click('proposal_approve', proposal.id, ALICE);
    assert.equal(response.status, 200);
    await eventually('the decision', async () => (await decisionsOf(server, proposal.id)).length === 1);
    assert.deepEqual(await decisionsOf(server, proposal.id), [{ decision: 'approved', decided_by: `slack:${ALICE}`, channel: 'slack', feedback: null }]);
    assert.equal(await statusOf(server, proposal.id), 'approved');
    const card = await fake.waitFor('the card updated', () => updatedCard(proposal.id));
    assert.deepEqual(actionIdsOf(card), ['proposal_view'], 'no decision buttons once decided');
    assert.match(messageText(card), new RegExp(`Approved\\*? by <@${ALICE}>`));
    assert.equal(fake.cardsOf(proposal.id).length, 1, 'updated in place, not posted again');
  });

  it('refuses someone not in SLACK_APPROVER_IDS with an ephemeral answer, and changes nothing', async () => {
    const proposal = await pendingProposal(server);
    const response = await click('proposal_approve', proposal.id, MALLORY);
    assert.equal(response.status, 200);
    const [answer] = await fake.waitFor('the refusal', () => responsesTo(response.responseUrl).length > 0 && responsesTo(response.responseUrl));
    assert.equal(answer!.body['response_type'], 'ephemeral');
    assert.match(answer!.body['text'], /Only the approvers/);
    const rejectClick = await click('proposal_reject', proposal.id, MALLORY);
    await fake.waitFor('the second refusal', () => responsesTo(rejectClick.responseUrl).length > 0);
    await settle(server);
    assert.deepEqual(await decisionsOf(server, proposal.id), []);
    assert.equal(await statusOf(server, proposal.id), 'pending_approval');
    assert.equal(fake.callsOf('views.open').filter((call) => JSON.stringify(call.body).includes(proposal.id)).length, 0, 'no feedback modal for a non-approver');
  });

  it('answers a click on a decided proposal with who decided and when, and changes nothing', async () => {
    const proposal = await pendingProposal(server);
    await click('proposal_approve', proposal.id, ALICE);
    await eventually('the decision', async () => (await decisionsOf(server, proposal.id)).length === 1);
    const late = await click('proposal_reject', proposal.id, BOB);
    const [answer] = await fake.waitFor('the answer', () => responsesTo(late.responseUrl).length > 0 && responsesTo(late.responseUrl));
    assert.match(answer!.body['text'], new RegExp(`already approved by <@${ALICE}> <!date\\^\\d+`));
    const lateApprove = await click('proposal_approve', proposal.id, BOB);
    const [second] = await fake.waitFor('the answer', () => responsesTo(lateApprove.responseUrl).length > 0 && responsesTo(lateApprove.responseUrl));
    assert.match(second!.body['text'], new RegExp(`already approved by <@${ALICE}>`));
    assert.deepEqual((await decisionsOf(server, proposal.id)).map((row) => row.decided_by), [`slack:${ALICE}`]);
  });

  it('answers a stale, altered or unsigned request with 401 and does nothing', async () => {
    const proposal = await pendingProposal(server);
    const card = await postedCard(proposal.id);
    const body = interactionBody(buttonClick({ actionId: 'proposal_approve', proposalId: proposal.id, userId: ALICE, messageTs: card.ts, responseUrl: nextResponseUrl() }));
    const stale = await postSigned(server.url, body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(stale.status, 401);
    // One changed byte: the proposal id's last character.
    const altered = await postSigned(server.url, body, { tamper: (text) => text.replace(/(%22value%22%3A%22[0-9a-f-]{35})([0-9a-f])/, (_all, head: string, last: string) => `${head}${last === 'a' ? 'b' : 'a'}`) });
    assert.equal(altered.status, 401);
    const wrongSecret = await postSigned(server.url, body, { secret: 'not-the-signing-secret' });
    assert.equal(wrongSecret.status, 401);
    const unsigned = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(unsigned.status, 401);
    await settle(server);
    assert.deepEqual(await decisionsOf(server, proposal.id), []);
    assert.equal(await statusOf(server, proposal.id), 'pending_approval');
  });

  it("processes Slack's retry of one request once", async () => {
    const proposal = await pendingProposal(server);
    const first = await click('proposal_reject', proposal.id, ALICE);
    const opensBefore = () => fake.callsOf('views.open').filter((call) => String(call.body['view']).includes(proposal.id)).length;
    await fake.waitFor('the feedback modal', () => opensBefore() === 1);
    const retry = await click('proposal_reject', proposal.id, ALICE, { body: first.body, retryNum: 1 });
    assert.equal(retry.status, 200);
    const retryAgain = await click('proposal_reject', proposal.id, ALICE, { body: first.body, retryNum: 2 });
    assert.equal(retryAgain.status, 200);
    await settle(server);
    assert.equal(opensBefore(), 1, 'one modal for one click, however often Slack retries it');

    const approve = await click('proposal_approve', proposal.id, BOB);
    await eventually('the decision', async () => (await decisionsOf(server, proposal.id)).length === 1);
    await click('proposal_approve', proposal.id, BOB, { body: approve.body, retryNum: 1 });
    await settle(server);
    assert.equal(responsesTo(approve.responseUrl).length, 0, 'the retry is not answered "already decided": it is not processed at all');
  });

  it('takes exactly one decision from two approvers clicking at once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const proposal = await pendingProposal(server);
      const [first, second] = await Promise.all([click('proposal_approve', proposal.id, ALICE), click('proposal_approve', proposal.id, BOB)]);
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      await eventually('a decision', async () => (await decisionsOf(server, proposal.id)).length === 1);
      // The loser is told who won.
      const loser = await fake.waitFor('the answer to the losing click', () => [first, second].find((click) => responsesTo(click.responseUrl).length > 0));
      const winner = (await decisionsOf(server, proposal.id))[0]!.decided_by;
      assert.match(responsesTo(loser.responseUrl)[0]!.body['text'], new RegExp(`already approved by <@${winner.slice('slack:'.length)}>`));
      await settle(server);
      assert.equal((await decisionsOf(server, proposal.id)).length, 1);
    }
  });

  it('takes exactly one decision from an approve and a reject at once', async () => {
    const proposal = await pendingProposal(server);
    const metadata = JSON.stringify({ proposalId: proposal.id, channel: 'C0APPROVALS' });
    await postedCard(proposal.id);
    const [approve, reject] = await Promise.all([
      click('proposal_approve', proposal.id, ALICE),
      postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: metadata, feedback: 'Too expensive' }))),
    ]);
    assert.equal(approve.status, 200);
    assert.equal(reject.status, 200);
    await eventually('a decision', async () => (await decisionsOf(server, proposal.id)).length === 1);
    await settle(server);
    const decisions = await decisionsOf(server, proposal.id);
    assert.equal(decisions.length, 1);
    assert.equal(await statusOf(server, proposal.id), decisions[0]!.decision === 'approved' ? 'approved' : 'rejected');
  });

  it('rejects through the feedback modal: feedback is required, then recorded with the Slack user', async () => {
    const proposal = await pendingProposal(server);
    await click('proposal_reject', proposal.id, BOB);
    const open = await fake.waitFor('the feedback modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes(proposal.id)));
    const view = JSON.parse(String(open.body['view']));
    assert.equal(view.callback_id, 'proposal_reject_feedback');
    assert.ok(view.blocks.some((block: any) => block.type === 'input' && block.block_id === 'feedback_block' && block.optional !== true));

    const empty = await postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: view.private_metadata, feedback: '   ' })));
    assert.equal(empty.status, 200);
    const answer = JSON.parse(empty.text);
    assert.equal(answer.response_action, 'errors');
    assert.match(answer.errors.feedback_block, /required/);
    await settle(server);
    assert.deepEqual(await decisionsOf(server, proposal.id), []);

    const submitted = await postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: view.private_metadata, feedback: 'Cut the price by 10 %, drop hosting.' })));
    assert.equal(submitted.status, 200);
    assert.equal(submitted.text, '', 'a plain ack closes the modal');
    await eventually('the rejection', async () => (await decisionsOf(server, proposal.id)).length === 1);
    assert.deepEqual(await decisionsOf(server, proposal.id), [{ decision: 'rejected', decided_by: `slack:${BOB}`, channel: 'slack', feedback: 'Cut the price by 10 %, drop hosting.' }]);
    const card = await fake.waitFor('the card updated', () => updatedCard(proposal.id));
    assert.match(messageText(card), /Rejected\*? by <@U0BOB>/);
    assert.match(messageText(card), /Cut the price by 10 %, drop hosting\./);
  });

  it('updates the card when the proposal is decided elsewhere (GraphQL)', async () => {
    const proposal = await pendingProposal(server);
    await postedCard(proposal.id);
    const response = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveProposal(id: $id) { status } }`, { key: server.keys[Role.APPROVER], variables: { id: proposal.id } });
    assert.equal(response.errors, undefined);
    const card = await fake.waitFor('the card updated', () => updatedCard(proposal.id));
    assert.deepEqual(actionIdsOf(card), ['proposal_view']);
    assert.match(messageText(card), /Approved\*? by api-key:test-approver/);
  });

  it('posts a human edit as the next revision in the thread, and marks the edited card superseded', async () => {
    const proposal = await pendingProposal(server, { lineItems: [{ description: 'Shop build', days: 10, rate: 1000, amount: 10000 }] });
    const card = await postedCard(proposal.id);
    const edited = await graphql(server.graphqlUrl, `mutation ($id: ID!, $input: EditProposalInput!) { editProposal(id: $id, input: $input) { id revision } }`, {
      key: server.keys[Role.APPROVER],
      variables: { id: proposal.id, input: { lineItems: [{ description: 'Shop build', days: 9, rate: 1000, amount: 9000 }, { description: 'Training', days: 1, rate: 1000, amount: 1000 }, { description: 'Support', amount: 500 }] } },
    });
    assert.equal(edited.errors, undefined);
    const next = edited.data!['editProposal'] as { id: string; revision: number };
    const nextCard = await fake.waitFor('the next revision’s card', () => fake.cardOf(next.id));
    assert.equal(nextCard.threadTs, card.ts);
    assert.match(messageText(nextCard), /Price: 10,000 EUR → 10,500 EUR/);
    assert.match(messageText(nextCard), /Scope added: Training; Support/);
    const old = await fake.waitFor('the old card superseded', () => (/Superseded by revision 2/.test(messageText(fake.cardOf(proposal.id)!)) ? fake.cardOf(proposal.id) : undefined));
    assert.deepEqual(actionIdsOf(old), ['proposal_view']);
  });

  it('escapes the lead and model text: no mention, @channel or link injection', async () => {
    const proposal = await pendingProposal(
      server,
      { title: 'Shop <!channel> now', body: 'Hi <!here> and <@U0BOSS>, see <https://evil.example|your bank> @everyone & more', lineItems: [{ description: 'Build <@U0ALICE> @here', days: 1, rate: 100, amount: 100 }] },
      { name: 'Eve <!everyone>', company: 'Evil <https://evil.example|Corp> @channel' },
    );
    const card = await postedCard(proposal.id);
    const text = messageText(card);
    assert.doesNotMatch(text, /<!channel>|<!here>|<!everyone>|<@U0ALICE>|<https:\/\/evil/);
    assert.match(text, /&lt;!everyone&gt;/);
    assert.match(text, /&lt;https:\/\/evil\.example\|Corp&gt;/);
    assert.doesNotMatch(text, /(^|[^\u2060])@(channel|here)\b/m, 'bare @channel/@here are broken up');
    await click('proposal_view', proposal.id, ALICE);
    const open = await fake.waitFor('the view modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes('evil.example')));
    const modalText = String(open.body['view']);
    assert.doesNotMatch(modalText, /<!here>|<@U0BOSS>|<https:\/\/evil/);
    assert.match(modalText, /&amp; more/);
  });

  it('shows the whole text in a View modal, chunked within Slack limits, with a dashboard link', async () => {
    const paragraph = 'We build the shop in clear steps, each one reviewed with you before the next begins. ';
    const body = Array.from({ length: 40 }, (_, index) => `Section ${index + 1}. ${paragraph.repeat(6)}`).join('\n\n');
    const proposal = await pendingProposal(server, { body });
    await click('proposal_view', proposal.id, MALLORY);
    const open = await fake.waitFor('the view modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes('Section 40.')));
    const view = JSON.parse(String(open.body['view']));
    assert.ok(view.blocks.length <= 100);
    assert.ok(view.blocks.every((block: any) => block.type !== 'section' || block.text.text.length <= 3000));
    const joined = view.blocks.map((block: any) => block.text?.text ?? '').join('');
    assert.match(joined, new RegExp(`https://leads\\.example\\.com/dashboard\\?proposal=${proposal.id}`));
    assert.ok(joined.replace(/\s+/g, ' ').includes(body.replace(/\s+/g, ' ').slice(-200)), 'the end of the text is there');
  });

  it('acknowledges a burst of clicks while decisions are held up, works on four at a time, still opens a modal, and decides them all once the hold goes', async () => {
    const proposals = await Promise.all(Array.from({ length: 10 }, () => pendingProposal(server)));
    const viewed = await pendingProposal(server, { title: 'Viewed while held up' });
    await Promise.all([...proposals, viewed].map((proposal) => postedCard(proposal.id)));
    // Another session takes the decisions table: every decision waits on it, reads do not.
    const holder = new pg.Client({ connectionString: server.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE approval_decisions IN EXCLUSIVE MODE');
      const clicks = await Promise.all(proposals.map((proposal) => click('proposal_approve', proposal.id, ALICE)));
      assert.deepEqual(clicks.map((response) => response.status), Array(10).fill(200));
      const held = async () => Number((await holder.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n);
      await eventually('four decisions waiting on the lock', async () => (await held()) === 4);

      await click('proposal_view', viewed.id, BOB);
      await fake.waitFor('the view modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes('Viewed while held up')));
      assert.equal(await held(), 4, 'still four decisions at a time, the other six waiting their turn in the bot');
      assert.equal(Number((await holder.query(`SELECT count(*) AS n FROM approval_decisions WHERE proposal_id = ANY($1::uuid[])`, [proposals.map((proposal) => proposal.id)])).rows[0].n), 0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    for (const proposal of proposals) {
      await eventually(`the decision of ${proposal.id}`, async () => (await decisionsOf(server, proposal.id)).length === 1);
      assert.equal(await statusOf(server, proposal.id), 'approved');
    }
  });

  it('answers /leadpilot queue, lead <email>, kpis, and usage for anything else', async () => {
    const proposal = await pendingProposal(server, { title: 'Queue check shop' }, { name: 'Queue Person' });
    const [lead] = (await server.dataSource.query(`SELECT email FROM leads WHERE id = $1`, [proposal.leadId])) as { email: string }[];
    const ask = async (text: string) => {
      const responseUrl = nextResponseUrl();
      const response = await postSigned(server.url, slashCommandBody({ text, userId: MALLORY, responseUrl }));
      assert.equal(response.status, 200);
      const [answer] = await fake.waitFor(`the answer to ${text}`, () => responsesTo(responseUrl).length > 0 && responsesTo(responseUrl));
      assert.equal(answer!.body['response_type'], 'ephemeral');
      return String(answer!.body['text']);
    };
    assert.match(await ask('queue'), /Queue check shop/);
    const leadAnswer = await ask(`lead ${lead!.email.toUpperCase()}`);
    assert.match(leadAnswer, /Queue Person/);
    assert.match(leadAnswer, /revision 1: Awaiting approval/);
    const kpis = await ask('kpis');
    assert.match(kpis, /Leads captured: \d+/);
    assert.match(kpis, /Proposals waiting for approval: [1-9]\d*/);
    assert.match(kpis, /Approved: [1-9]\d* · rejected: [1-9]\d*/);
    assert.match(await ask('dance'), /Unknown command "dance"[\s\S]*\/leadpilot queue/);
    assert.match(await ask(''), /\/leadpilot kpis/);
  });
});
