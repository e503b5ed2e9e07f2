import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { followUpCardKind } from '../../../src/bot/follow-up-card-kind.js';
import { startDelivery, type DeliveryRole } from '../../../src/delivery/start-delivery.js';
import { createLogger } from '../../../src/logger.js';
import { FakeSlackServer, type FakeSlackMessage } from '../../fakes/fake-slack.server.js';
import { APPROVAL_CHANNEL, buttonClick, feedbackSubmission, interactionBody, postSigned } from '../../fakes/fake-slack-requests.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSmtpServer, TestClock, type TestSmtpServer } from '../../helpers/smtp.js';
import { DAY, outboxRows, pendingProposal } from '../delivery/fixtures.js';
import { actionIdsOf, ALICE, BOB, eventually, MALLORY, messageText, settle, slackEnv } from './slack-test-kit.js';

describe(followUpCardKind.name, () => {
  const fake = new FakeSlackServer();
  const clock = new TestClock();
  let smtp: TestSmtpServer;
  let server: TestServer;
  let delivery: DeliveryRole;
  let responses = 0;

  before(async () => {
    await fake.start();
    smtp = await startSmtpServer();
    server = await startTestServer({
      bot: {},
      clock,
      env: slackEnv(fake, { SMTP_URL: smtp.url, MAIL_FROM: 'Berneby Development <sales@berneby.example>', PUBLIC_URL: 'https://leads.example', FOLLOW_UP_OFFSETS: '3d,7d' }),
    });
    // The worker's e-mail part on the spec's clock, announcing its changes as the worker does.
    delivery = await startDelivery({
      config: server.config,
      dataSource: server.dataSource,
      queue: server.queue,
      agency: loadAgencyConfig(),
      model: null,
      clock,
      events: server.live,
      logger: createLogger({ level: 'silent' }),
      sweepIntervalMs: 0,
      handleJobs: false,
    });
  });
  after(async () => {
    delivery?.stop();
    await server?.stop();
    await smtp?.stop();
    await fake.stop();
  });

  const followUps = (proposalId: string) => outboxRows(server, `proposal_id = $1 AND kind = 'follow_up'`, [proposalId]);
  const decisionsOf = (messageId: string) => server.dataSource.query(`SELECT decision, decided_by, channel, feedback FROM approval_decisions WHERE outbound_message_id = $1`, [messageId]);
  const cardOf = (messageId: string) => fake.waitFor(`the card of follow-up ${messageId}`, () => fake.followUpCardsOf(messageId)[0]);
  const cardShowing = (messageId: string, pattern: RegExp) =>
    fake.waitFor(`the card of ${messageId} to show ${pattern}`, () => {
      const card = fake.followUpCardsOf(messageId)[0];
      return card && pattern.test(messageText(card)) ? card : undefined;
    });

  async function click(actionId: string, messageId: string, userId: string, card: FakeSlackMessage) {
    const responseUrl = fake.responseUrl(`f${++responses}`);
    const response = await postSigned(server.url, interactionBody(buttonClick({ actionId, proposalId: messageId, userId, messageTs: card.ts, responseUrl })));
    assert.equal(response.status, 200);
    const answer = () => fake.waitFor(`the answer at ${responseUrl}`, () => fake.responses.find((entry) => responseUrl.endsWith(`/response/${entry.id}`)));
    return { answer };
  }

  /** A proposal with its card, approved in Slack and delivered, then the first follow-up's offset passed. */
  async function firstFollowUp(options: { name?: string } = {}) {
    const fixture = await pendingProposal(server, { ...options });
    await server.live.proposalChanged(fixture.proposalId, 'pending_approval');
    const proposalCard = await fake.waitFor('the proposal card', () => fake.cardOf(fixture.proposalId));
    await click('proposal_approve', fixture.proposalId, ALICE, proposalCard);
    await eventually('the proposal e-mail', async () => (await outboxRows(server, `proposal_id = $1 AND kind = 'proposal'`, [fixture.proposalId])).length === 1);
    await delivery.sweep();
    await smtp.waitFor(fixture.email);
    clock.advance(3 * DAY + 1_000);
    await delivery.sweep();
    const [followUp] = await followUps(fixture.proposalId);
    assert.equal(followUp.status, 'awaiting_approval');
    return { ...fixture, proposalCard, followUp };
  }

  it('posts a follow-up waiting for approval in the thread of its proposal, approves it as the Slack user, delivers it and shows so', async () => {
    const { proposalId, email, proposalCard, followUp } = await firstFollowUp({ name: 'Anna <!channel> Schmidt' });
    const card = await cardOf(followUp.id);
    assert.equal(card.channel, APPROVAL_CHANNEL);
    assert.equal(card.threadTs, proposalCard.ts, 'in the thread of the proposal card');
    const text = messageText(card);
    assert.match(text, /1 of 2 · 3 days after sending/);
    assert.match(text, /Schmidt GmbH/);
    assert.match(text, /Anna &lt;!channel&gt; Schmidt/);
    assert.doesNotMatch(text, /<!channel>/, 'lead text cannot mention the channel');
    assert.ok(text.includes(followUp.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), 'the subject');
    assert.deepEqual(actionIdsOf(card), ['follow_up_approve', 'follow_up_reject', 'follow_up_view']);

    await click('follow_up_approve', followUp.id, ALICE, card);
    await eventually('the decision', async () => (await decisionsOf(followUp.id)).length === 1);
    assert.deepEqual(await decisionsOf(followUp.id), [{ decision: 'approved', decided_by: `slack:${ALICE}`, channel: 'slack', feedback: null }]);
    let [row] = await followUps(proposalId);
    assert.equal(row.status, 'pending', 'approved: queued for sending');
    const decided = await cardShowing(followUp.id, /Approved\*? by <@U0ALICE>/);
    assert.deepEqual(actionIdsOf(decided), ['follow_up_view'], 'no decision buttons once decided');

    await delivery.sweep();
    const mails = await smtp.waitFor(email, 2);
    assert.equal(mails[1]!.parsed.messageId, followUp.message_id, 'the approved follow-up went out');
    [row] = await followUps(proposalId);
    assert.equal(row.status, 'sent');
    await server.bot!.sweep();
    await cardShowing(followUp.id, /Sent/);
    assert.equal(fake.followUpCardsOf(followUp.id).length, 1, 'updated in place, never posted again');

    // The second follow-up, at 7 days: rejected through the modal, with feedback required.
    clock.advance(4 * DAY);
    await delivery.sweep();
    const [, second] = await followUps(proposalId);
    const secondCard = await cardOf(second.id);
    assert.equal(secondCard.threadTs, proposalCard.ts);
    assert.match(messageText(secondCard), /2 of 2 · 7 days after sending/);
    await click('follow_up_reject', second.id, BOB, secondCard);
    const open = await fake.waitFor('the feedback modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes(second.id)));
    const view = JSON.parse(String(open.body['view']));
    assert.equal(view.callback_id, 'follow_up_reject_feedback');
    const empty = await postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: view.private_metadata, feedback: ' ', callbackId: view.callback_id })));
    assert.equal(JSON.parse(empty.text).response_action, 'errors');
    await settle(server);
    assert.deepEqual(await decisionsOf(second.id), []);
    const submitted = await postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: view.private_metadata, feedback: 'Too pushy <@U0CEO>, wait for them.', callbackId: view.callback_id })));
    assert.equal(submitted.status, 200);
    await eventually('the rejection', async () => (await decisionsOf(second.id)).length === 1);
    assert.deepEqual(await decisionsOf(second.id), [{ decision: 'rejected', decided_by: `slack:${BOB}`, channel: 'slack', feedback: 'Too pushy <@U0CEO>, wait for them.' }]);
    const rejected = await cardShowing(second.id, /Rejected\*? by <@U0BOB>/);
    assert.match(messageText(rejected), /Too pushy &lt;@U0CEO&gt;, wait for them\./);
    assert.equal((await followUps(proposalId))[1].status, 'cancelled');
    assert.equal(smtp.to(email).length, 2, 'the rejected follow-up never went out');
  });

  it('refuses someone not in SLACK_APPROVER_IDS, and changes nothing', async () => {
    const { followUp } = await firstFollowUp();
    const card = await cardOf(followUp.id);
    const approve = await click('follow_up_approve', followUp.id, MALLORY, card);
    const answer = await approve.answer();
    assert.equal(answer.body['response_type'], 'ephemeral');
    assert.match(answer.body['text'], /Only the approvers/);
    const reject = await click('follow_up_reject', followUp.id, MALLORY, card);
    await reject.answer();
    await settle(server);
    assert.deepEqual(await decisionsOf(followUp.id), []);
    assert.equal((await outboxRows(server, `id = $1`, [followUp.id]))[0].status, 'awaiting_approval');
    assert.equal(fake.followUpCardsOf(followUp.id)[0]!.updates, 0);
  });

  it('updates the card when the follow-up is decided elsewhere, and answers a later click with who decided', async () => {
    const { followUp } = await firstFollowUp();
    const card = await cardOf(followUp.id);
    const response = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveOutboundMessage(id: $id) { status } }`, { variables: { id: followUp.id }, key: server.keys.approver });
    assert.equal(response.data?.['approveOutboundMessage']?.status, 'PENDING', JSON.stringify(response.errors));
    const updated = await cardShowing(followUp.id, /Approved\*? by api-key:test-approver/);
    assert.deepEqual(actionIdsOf(updated), ['follow_up_view']);
    const late = await click('follow_up_approve', followUp.id, BOB, card);
    const answer = await late.answer();
    assert.equal(answer.body['response_type'], 'ephemeral');
    assert.match(answer.body['text'], /was already approved by api-key:test-approver/);
    assert.equal((await decisionsOf(followUp.id)).length, 1, 'one decision');
  });

  it('shows a follow-up cancelled by the lead\'s reply, and refuses to decide it', async () => {
    const { leadId, followUp } = await firstFollowUp();
    const card = await cardOf(followUp.id);
    const replied = await graphql(server.graphqlUrl, `mutation ($id: ID!) { recordLeadReply(id: $id, text: "We will call you.") { id } }`, { variables: { id: leadId }, key: server.keys.integration });
    assert.equal(replied.errors, undefined, JSON.stringify(replied.errors));
    const cancelled = await cardShowing(followUp.id, /Cancelled\*?, not sent: the lead replied/);
    assert.deepEqual(actionIdsOf(cancelled), ['follow_up_view']);
    const late = await click('follow_up_approve', followUp.id, ALICE, card);
    assert.match((await late.answer()).body['text'], /can no longer be decided/);
    assert.deepEqual(await decisionsOf(followUp.id), []);
  });

  it('shows a follow-up cancelled by a recorded outcome', async () => {
    const { proposalId, followUp } = await firstFollowUp();
    await cardOf(followUp.id);
    const outcome = await graphql(server.graphqlUrl, `mutation ($id: ID!) { recordProposalOutcome(id: $id, outcome: ACCEPTED) { status } }`, { variables: { id: proposalId }, key: server.keys.integration });
    assert.equal(outcome.data?.['recordProposalOutcome']?.status, 'ACCEPTED', JSON.stringify(outcome.errors));
    const card = await cardShowing(followUp.id, /Cancelled\*?, not sent: outcome accepted recorded/);
    assert.deepEqual(actionIdsOf(card), ['follow_up_view']);
  });

  it('shows a follow-up cancelled by an erasure without the person\'s data', async () => {
    const { leadId, followUp } = await firstFollowUp({ name: 'Greta Lindqvist' });
    await cardOf(followUp.id);
    const erased = await graphql(server.graphqlUrl, `mutation ($id: ID!) { eraseLead(id: $id) }`, { variables: { id: leadId }, key: server.keys.admin });
    assert.equal(erased.data?.['eraseLead'], true, JSON.stringify(erased.errors));
    const card = await cardShowing(followUp.id, /Cancelled/);
    assert.doesNotMatch(messageText(card), /Greta|Lindqvist/);
    assert.deepEqual(actionIdsOf(card), []);
  });
});
