import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApproverNotices } from '../../../src/delivery/approver-notices.js';
import type { DeliveryRole } from '../../../src/delivery/start-delivery.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSmtpServer, TestClock, type TestSmtpServer } from '../../helpers/smtp.js';
import { DAY, deliveryFor, outboxRows, pendingProposal } from './fixtures.js';

const APPROVERS = ['maria@berneby.example', 'tom@berneby.example'];

describe(ApproverNotices.name, () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let delivery: DeliveryRole;
  const clock = new TestClock();

  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      clock,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Leadpilot <leadpilot@berneby.example>', PUBLIC_URL: 'https://leads.example', APPROVER_EMAILS: APPROVERS.join(','), FOLLOW_UPS_AUTO: 'true', FOLLOW_UP_OFFSETS: '2d' },
    });
    delivery = await deliveryFor(server, clock);
  });
  after(async () => {
    delivery?.stop();
    await server?.stop();
    await smtp?.stop();
  });

  it('tells the approvers of one proposal, with its total and dashboard link, once', async () => {
    const { proposalId } = await pendingProposal(server, { title: 'Booking platform' });
    await delivery.sweep();
    assert.equal(smtp.to(APPROVERS[0]!).length, 0, 'waits out the batching window first');
    clock.advancePastReal(61_000);
    await delivery.sweep();
    const [mail] = await smtp.waitFor(APPROVERS[0]!);
    assert.deepEqual(mail!.to.sort(), [...APPROVERS].sort());
    assert.equal(mail!.parsed.subject, 'Approval needed: Booking platform');
    assert.match(mail!.parsed.text ?? '', /€20,480\.00/);
    assert.match(mail!.parsed.text ?? '', new RegExp(`https://leads\\.example/dashboard/proposals/${proposalId}`));
    clock.advance(61_000);
    await delivery.sweep();
    assert.equal(smtp.to(APPROVERS[0]!).length, 1, 'once per proposal');
  });

  it('sends one digest when several arrive at once', async () => {
    const ids = [];
    for (let index = 0; index < 3; index += 1) ids.push((await pendingProposal(server, { title: `Proposal ${index}` })).proposalId);
    clock.advancePastReal(61_000);
    await Promise.all([delivery.sweep(), delivery.approverNotices.writeDue()]);
    await delivery.sweep();
    const mails = await smtp.waitFor(APPROVERS[1]!, 2);
    assert.equal(mails.length, 2, 'one digest for three');
    const digest = mails[1]!;
    assert.equal(digest.parsed.subject, 'Approval needed: 3 proposals');
    for (const id of ids) assert.match(digest.parsed.text ?? '', new RegExp(`/dashboard/proposals/${id}`));
    const rows = await outboxRows(server, `kind = 'approver_notice'`, []);
    assert.equal(rows.length, 2);
    assert.ok(rows.every((row) => row.unsubscribe_token_hash === null), 'internal mail has no unsubscribe link');
  });

  it('sends follow-ups without approval when FOLLOW_UPS_AUTO is true', async () => {
    const { proposalId, email } = await pendingProposal(server);
    const approved = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveProposal(id: $id) { status } }`, { variables: { id: proposalId }, key: server.keys.approver });
    assert.equal(approved.data?.['approveProposal']?.status, 'APPROVED');
    await delivery.sweep();
    await smtp.waitFor(email, 1);
    clock.advance(2 * DAY + 1_000);
    await delivery.sweep();
    const [followUp] = await outboxRows(server, `proposal_id = $1 AND kind = 'follow_up'`, [proposalId]);
    assert.equal(followUp.status, 'sent');
    const mails = await smtp.waitFor(email, 2);
    assert.equal(mails[1]!.parsed.messageId, followUp.message_id);
  });
});
