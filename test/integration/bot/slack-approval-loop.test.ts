import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerRejectFeedbackView } from '../../../src/bot/listeners/reject-feedback.view.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { buttonClick, feedbackSubmission, interactionBody, postSigned } from '../../fakes/fake-slack-requests.js';
import { latestProposal, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { actionIdsOf, ALICE, BOB, decisionsOf, messageText, slackEnv } from './slack-test-kit.js';

describe(registerRejectFeedbackView.name, () => {
  const fake = new FakeSlackServer();
  let server: TestServer;
  before(async () => {
    await fake.start();
    server = await startTestServer({ worker: true, bot: {}, env: slackEnv(fake) });
  });
  after(async () => {
    await server.stop();
    await fake.stop();
  });

  const click = (actionId: string, proposalId: string, userId: string, messageTs: string, responseId: string) =>
    postSigned(server.url, interactionBody(buttonClick({ actionId, proposalId, userId, messageTs, responseUrl: fake.responseUrl(responseId) })));

  it('runs the whole loop: card, reject with feedback, the next revision in the thread with what changed, approve, cards updated', async () => {
    const leadId = await submitLead(server, {
      name: 'Daniel Brooks',
      email: 'daniel@brooks-slack.co.uk',
      company: 'Brooks Learning Ltd',
      message:
        'Hi, we run evening courses for adults and need an online booking platform: customers browse courses, book and pay by card, and get reminder e-mails. Our staff need an admin dashboard to manage courses, rooms and attendance. Could you send us a proposal?',
      budget: 40000,
      timeline: 'within four months',
    });
    const first = latestProposal(await waitForLead(server, leadId, settled));
    assert.equal(first.status, 'PENDING_APPROVAL');
    const card = await fake.waitFor('the first card', () => fake.cardOf(first.id));
    const cardText = messageText(card);
    assert.match(cardText, /Daniel Brooks/);
    assert.match(cardText, /Brooks Learning Ltd/);
    assert.match(cardText, /\*Fit\*\n\d+\/100 · (HIGH|MEDIUM|LOW)/);
    assert.match(cardText, /\*Review\*: \d+\/100/);
    assert.match(cardText, /\*Solution\*/);

    assert.equal((await click('proposal_reject', first.id, BOB, card.ts, 'loop-reject')).status, 200);
    const open = await fake.waitFor('the feedback modal', () => fake.callsOf('views.open').find((call) => String(call.body['view']).includes(first.id)));
    const view = JSON.parse(String(open.body['view']));
    const submitted = await postSigned(server.url, interactionBody(feedbackSubmission({ userId: BOB, privateMetadata: view.private_metadata, feedback: 'Please reduce the price by 10 %.' })));
    assert.equal(submitted.status, 200);

    const lead = await waitForLead(server, leadId, (current) => current.status === 'AWAITING_APPROVAL' && latestProposal(current).revision > first.revision);
    const second = latestProposal(lead);
    const secondCard = await fake.waitFor('the second card', () => fake.cardOf(second.id));
    assert.equal(secondCard.threadTs, card.ts, 'the next revision is posted in the first card’s thread');
    const secondText = messageText(secondCard);
    assert.match(secondText, /What changed since revision 1/);
    assert.match(secondText, /Price: [\d,.]+ EUR → [\d,.]+ EUR/);
    assert.match(secondText, /Please reduce the price by 10 %\./);
    assert.deepEqual(actionIdsOf(secondCard), ['proposal_approve', 'proposal_reject', 'proposal_view']);
    const firstNow = await fake.waitFor('the first card to say superseded', () => /Superseded by revision 2/.test(messageText(fake.cardOf(first.id)!)) && fake.cardOf(first.id));
    assert.match(messageText(firstNow), /Rejected\*? by <@U0BOB>/);
    assert.deepEqual(actionIdsOf(firstNow), ['proposal_view']);

    assert.equal((await click('proposal_approve', second.id, ALICE, secondCard.ts, 'loop-approve')).status, 200);
    const approved = await waitForLead(server, leadId, (current) => latestProposal(current).status === 'APPROVED');
    assert.equal(latestProposal(approved).id, second.id);
    assert.deepEqual(await decisionsOf(server, second.id), [{ decision: 'approved', decided_by: `slack:${ALICE}`, channel: 'slack', feedback: null }]);
    assert.deepEqual(await decisionsOf(server, first.id), [{ decision: 'rejected', decided_by: `slack:${BOB}`, channel: 'slack', feedback: 'Please reduce the price by 10 %.' }]);
    const secondNow = await fake.waitFor('the second card updated', () => /Approved\*? by <@U0ALICE>/.test(messageText(fake.cardOf(second.id)!)) && fake.cardOf(second.id));
    assert.deepEqual(actionIdsOf(secondNow), ['proposal_view']);
    assert.equal(fake.cardsOf(first.id).length + fake.cardsOf(second.id).length, 2, 'one message per revision, updated in place');
  });
});
