import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSmtpMailer, type Mailer } from '../../../src/delivery/mailer.js';
import type { DeliveryRole } from '../../../src/delivery/start-delivery.js';
import { OutboxDelivery } from '../../../src/delivery/outbox-delivery.js';
import { Language } from '../../../src/entities/enums.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { freePort, startSmtpServer, TestClock, type ReceivedMail, type TestSmtpServer } from '../../helpers/smtp.js';
import { assertResentWithOneMessageId, DAY, deliveryFor, outboxRows, pendingProposal } from './fixtures.js';

const APPROVE = `mutation ($id: ID!, $onBehalfOf: String) { approveProposal(id: $id, onBehalfOf: $onBehalfOf) { status } }`;

function unsubscribeUrlOf(mail: ReceivedMail): string {
  const headers = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^List-Unsubscribe: <(https:\/\/leads\.example\/unsubscribe\/[A-Za-z0-9_-]+)>$/im.exec(headers);
  assert.ok(match, `List-Unsubscribe carries the link: ${headers}`);
  assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/im);
  return match[1]!;
}

describe(OutboxDelivery.name, () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let delivery: DeliveryRole;
  const clock = new TestClock();

  const approve = async (proposalId: string) => {
    const response = await graphql(server.graphqlUrl, APPROVE, { variables: { id: proposalId }, key: server.keys.approver });
    assert.equal(response.data?.['approveProposal']?.status, 'APPROVED', JSON.stringify(response.errors));
  };
  /** A proposal approved and delivered: its sent_at is the clock's now. */
  const sentProposal = async (options: { language?: Language } = {}) => {
    const fixture = await pendingProposal(server, options);
    await approve(fixture.proposalId);
    await delivery.sweep();
    const [mail] = await smtp.waitFor(fixture.email);
    return { ...fixture, mail: mail! };
  };
  const followUps = (proposalId: string) => outboxRows(server, `proposal_id = $1 AND kind = 'follow_up'`, [proposalId]);

  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      clock,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Berneby Development <sales@berneby.example>', PUBLIC_URL: 'https://leads.example', FOLLOW_UP_OFFSETS: '3d,7d' },
    });
    delivery = await deliveryFor(server, clock);
  });
  after(async () => {
    delivery?.stop();
    await server?.stop();
    await smtp?.stop();
  });

  it('sends an approved proposal once, in the lead\'s language, with the PDF attached, and marks it SENT', async () => {
    const { proposalId, leadId, email } = await pendingProposal(server, { language: Language.DE, name: 'Anna <b>Schmidt</b>', title: 'Buchung <script>alert(1)</script>' });
    await approve(proposalId);
    const [row] = await outboxRows(server, `proposal_id = $1 AND kind = 'proposal'`, [proposalId]);
    assert.equal(row.status, 'pending', 'written in the approval, waiting for the worker');
    assert.match(row.message_id, /^<[0-9a-f-]{36}@berneby\.example>$/);

    assert.equal((await delivery.sweep()).sent >= 1, true);
    const [mail] = await smtp.waitFor(email);
    assert.equal(mail!.parsed.messageId, row.message_id, 'the Message-ID written with the row');
    assert.equal(mail!.parsed.subject, 'Unser Angebot: Buchung <script>alert(1)</script>');
    assert.match(mail!.parsed.text ?? '', /Gesamtbetrag: 20\.480,00\s€/);
    assert.match(mail!.parsed.text ?? '', /Mit freundlichen Grüßen/);
    const html = String(mail!.parsed.html);
    assert.match(html, /Buchung &lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'lead and proposal text is escaped in HTML');
    assert.doesNotMatch(html, /<script>/);
    assert.match(mail!.raw, /multipart\/mixed/);
    assert.match(mail!.raw, /multipart\/alternative/);
    assert.equal(mail!.parsed.attachments.length, 1);
    const [pdf] = mail!.parsed.attachments;
    assert.equal(pdf!.contentType, 'application/pdf');
    assert.equal(pdf!.content.subarray(0, 4).toString('latin1'), '%PDF');
    assert.match(pdf!.filename ?? '', /\.pdf$/);
    unsubscribeUrlOf(mail!);
    assert.equal(mail!.parsed.replyTo?.value[0]?.address, 'sales@berneby.example');

    const [proposal] = await server.dataSource.query(`SELECT status, sent_at FROM proposals WHERE id = $1`, [proposalId]);
    assert.equal(proposal.status, 'sent');
    assert.ok(proposal.sent_at);
    const [lead] = await server.dataSource.query(`SELECT status FROM leads WHERE id = $1`, [leadId]);
    assert.equal(lead.status, 'sent');
    // The follow-ups are durable delayed jobs, enqueued with SENT, at sent_at + each offset.
    const jobs = await server.dataSource.query(`SELECT start_after FROM pgboss.job WHERE name = 'follow-up-due' AND data->>'proposalId' = $1 ORDER BY start_after`, [proposalId]);
    assert.deepEqual(
      jobs.map((job: { start_after: Date }) => new Date(job.start_after).getTime()),
      [3 * DAY, 7 * DAY].map((offset) => new Date(proposal.sent_at).getTime() + offset),
    );

    // Exactly once: another sweep, a redelivered job, nothing goes out again.
    await delivery.sweep();
    assert.equal(await delivery.delivery!.deliver(row.id), 'not-claimed');
    assert.equal(smtp.to(email).length, 1);
    const sent = await server.dataSource.query(`SELECT count(*)::int AS n FROM lead_activities WHERE lead_id = $1 AND type = 'proposal.sent'`, [leadId]);
    assert.equal(sent[0].n, 1);
  });

  it('keeps a message while the SMTP server is down and delivers it once when it is back', async () => {
    const port = await freePort();
    const down = await deliveryFor(server, clock, { smtpUrl: `smtp://127.0.0.1:${port}` });
    let later: TestSmtpServer | undefined;
    try {
      const { proposalId, email } = await pendingProposal(server);
      await approve(proposalId);
      const [row] = await outboxRows(server, `proposal_id = $1 AND kind = 'proposal'`, [proposalId]);
      assert.equal(await down.delivery!.deliver(row.id), 'retry');
      let [failed] = await outboxRows(server, `id = $1`, [row.id]);
      assert.equal(failed.status, 'pending');
      assert.equal(failed.attempts, 1);
      assert.match(failed.last_error, /ECONNREFUSED|connect/i);
      assert.ok(new Date(failed.available_at) > clock.now(), 'backed off');
      assert.equal(await down.delivery!.deliver(row.id), 'not-claimed', 'not before its next attempt');

      later = await startSmtpServer(port);
      clock.advance(31_000);
      assert.equal(await down.delivery!.deliver(row.id), 'sent');
      const mails = await later.waitFor(email);
      assert.equal(mails[0]!.parsed.messageId, row.message_id);
      [failed] = await outboxRows(server, `id = $1`, [row.id]);
      assert.equal(failed.status, 'sent');
      assert.equal(failed.attempts, 2);
      assert.equal(failed.last_error, null);
      clock.advance(DAY);
      await down.sweep();
      assert.equal(later.to(email).length, 1, 'delivered once');
      assert.equal(smtp.to(email).length, 0);
    } finally {
      down.stop();
      await later?.stop();
    }
  });

  it('resends the same Message-ID, never a new one, when a worker dies between the send and its record', async () => {
    const real = createSmtpMailer(smtp.url);
    // The SMTP server accepts the message, then the process is gone: nothing after the send runs.
    const dying: Mailer = { send: async (mail) => { await real.send(mail); return new Promise(() => undefined); }, close: () => real.close() };
    const crashed = await deliveryFor(server, clock, { mailer: dying });
    try {
      const { proposalId, leadId, email } = await pendingProposal(server);
      await approve(proposalId);
      const [row] = await outboxRows(server, `proposal_id = $1 AND kind = 'proposal'`, [proposalId]);
      void crashed.delivery!.deliver(row.id);
      await smtp.waitFor(email, 1);
      const [claimed] = await outboxRows(server, `id = $1`, [row.id]);
      assert.equal(claimed.status, 'sending');
      assert.ok(claimed.claimed_at);

      await delivery.sweep();
      assert.equal(smtp.to(email).length, 1, 'a fresh claim is left alone');
      clock.advance(121_000);
      await delivery.sweep();
      const mails = await smtp.waitFor(email, 2);
      await assertResentWithOneMessageId(server, mails, { rowId: row.id, messageId: row.message_id, proposalId, leadId });
    } finally {
      crashed.stop();
    }
  });

  it('writes follow-ups at the offsets, each waiting for approval, and sends the approved one', async () => {
    const { proposalId, email } = await sentProposal();
    clock.advance(DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 0, 'not due after a day');
    clock.advance(2 * DAY + 1_000);
    await delivery.sweep();
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 1, 'one per offset, however often swept');
    let [first] = await followUps(proposalId);
    assert.equal(first.status, 'awaiting_approval');
    assert.match(first.payload.text, /proposal “Booking platform”/);

    const listed = await graphql(server.graphqlUrl, `{ outboundMessages(status: AWAITING_APPROVAL) { edges { node { id kind status } } } }`, { key: server.keys.viewer });
    assert.ok(listed.data!['outboundMessages'].edges.some((edge: any) => edge.node.id === first.id));

    const mutation = `mutation ($id: ID!, $onBehalfOf: String) { approveOutboundMessage(id: $id, comment: "fine", onBehalfOf: $onBehalfOf) { id status } }`;
    const asViewer = await graphql(server.graphqlUrl, mutation, { variables: { id: first.id }, key: server.keys.viewer });
    assert.equal(asViewer.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const onBehalf = await graphql(server.graphqlUrl, mutation, { variables: { id: first.id, onBehalfOf: 'slack:U123' }, key: server.keys.approver });
    assert.equal(onBehalf.errors?.[0]?.extensions?.['code'], 'FORBIDDEN', 'only a delegate key speaks for someone');
    const approved = await graphql(server.graphqlUrl, mutation, { variables: { id: first.id }, key: server.keys.approver });
    assert.equal(approved.data?.['approveOutboundMessage']?.status, 'PENDING', JSON.stringify(approved.errors));
    const again = await graphql(server.graphqlUrl, mutation, { variables: { id: first.id }, key: server.keys.approver });
    assert.equal(again.errors?.[0]?.extensions?.['code'], 'CONFLICT');
    const decisions = await server.dataSource.query(`SELECT decision, decided_by, channel, feedback FROM approval_decisions WHERE outbound_message_id = $1`, [first.id]);
    assert.deepEqual(decisions, [{ decision: 'approved', decided_by: 'api-key:test-approver', channel: 'graphql', feedback: 'fine' }]);

    await delivery.sweep();
    const mails = await smtp.waitFor(email, 2);
    assert.equal(mails[1]!.parsed.messageId, first.message_id);
    assert.equal(mails[1]!.parsed.subject, first.subject);
    [first] = await followUps(proposalId);
    assert.equal(first.status, 'sent');

    clock.advance(4 * DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 2, 'the second at 7 days');
    const [, second] = await followUps(proposalId);
    assert.notEqual(second.subject, first.subject);
    const rejected = await graphql(server.graphqlUrl, `mutation ($id: ID!) { rejectOutboundMessage(id: $id, feedback: "too pushy") { status } }`, { variables: { id: second.id }, key: server.keys.approver });
    assert.equal(rejected.data?.['rejectOutboundMessage']?.status, 'CANCELLED', JSON.stringify(rejected.errors));
    clock.advance(30 * DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 2, 'the sequence has two steps');
    assert.equal(smtp.to(email).length, 2);
  });

  it('stops the follow-ups when the lead replies', async () => {
    const { proposalId, leadId, email } = await sentProposal();
    clock.advance(3 * DAY + 1_000);
    await delivery.sweep();
    const [waiting] = await followUps(proposalId);
    assert.equal(waiting.status, 'awaiting_approval');
    const mutation = `mutation ($id: ID!) { recordLeadReply(id: $id, text: "Thanks, we will discuss it next week.") { id repliedAt } }`;
    const asViewer = await graphql(server.graphqlUrl, mutation, { variables: { id: leadId }, key: server.keys.viewer });
    assert.equal(asViewer.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const replied = await graphql(server.graphqlUrl, mutation, { variables: { id: leadId }, key: server.keys.integration });
    assert.ok(replied.data?.['recordLeadReply']?.repliedAt, JSON.stringify(replied.errors));
    const [cancelled] = await followUps(proposalId);
    assert.equal(cancelled.status, 'cancelled');
    const activity = await server.dataSource.query(`SELECT data FROM lead_activities WHERE lead_id = $1 AND type = 'lead.replied'`, [leadId]);
    assert.equal(activity[0].data.text, 'Thanks, we will discuss it next week.');
    clock.advance(5 * DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 1, 'no second follow-up');
    assert.equal(smtp.to(email).length, 1, 'only the proposal');
  });

  it('stops the follow-ups when an outcome is recorded', async () => {
    const { proposalId, email } = await sentProposal();
    clock.advance(3 * DAY + 1_000);
    await delivery.sweep();
    const outcome = await graphql(server.graphqlUrl, `mutation ($id: ID!) { recordProposalOutcome(id: $id, outcome: DECLINED) { status } }`, { variables: { id: proposalId }, key: server.keys.integration });
    assert.equal(outcome.data?.['recordProposalOutcome']?.status, 'DECLINED', JSON.stringify(outcome.errors));
    const [cancelled] = await followUps(proposalId);
    assert.equal(cancelled.status, 'cancelled');
    clock.advance(5 * DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 1, 'no second follow-up');
    assert.equal(smtp.to(email).length, 1);
  });

  it('unsubscribes from the link: GET asks, POST (one-click) records it, and automated mail stops', async () => {
    const { proposalId, leadId, email, mail } = await sentProposal({ language: Language.FR });
    const link = unsubscribeUrlOf(mail).replace('https://leads.example', server.url);
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post"/);
    let [lead] = await server.dataSource.query(`SELECT unsubscribed_at FROM leads WHERE id = $1`, [leadId]);
    assert.equal(lead.unsubscribed_at, null, 'a GET (a link scanner) changes nothing');

    clock.advance(3 * DAY + 1_000);
    await delivery.sweep();
    const posted = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(posted.status, 200);
    assert.match(await posted.text(), /désabonné/);
    [lead] = await server.dataSource.query(`SELECT unsubscribed_at FROM leads WHERE id = $1`, [leadId]);
    assert.ok(lead.unsubscribed_at);
    const [cancelled] = await followUps(proposalId);
    assert.equal(cancelled.status, 'cancelled');
    clock.advance(5 * DAY);
    await delivery.sweep();
    assert.equal((await followUps(proposalId)).length, 1, 'no second follow-up');
    assert.equal(smtp.to(email).length, 1);

    assert.equal((await fetch(`${server.url}/unsubscribe/not-a-token-we-ever-gave-out`)).status, 404);
    const stored = await server.dataSource.query(`SELECT count(*)::int AS n FROM outbound_messages WHERE unsubscribe_token_hash = $1`, [link.split('/').pop()]);
    assert.equal(stored[0].n, 0, 'only the hash is stored');
  });

  it("scrubs and cancels an erased lead's queued messages", async () => {
    const { proposalId, leadId, email } = await pendingProposal(server, { name: 'Erika Mustermann' });
    await approve(proposalId);
    const erased = await graphql(server.graphqlUrl, `mutation ($id: ID!) { eraseLead(id: $id) }`, { variables: { id: leadId }, key: server.keys.admin });
    assert.equal(erased.data?.['eraseLead'], true, JSON.stringify(erased.errors));
    const [row] = await outboxRows(server, `proposal_id = $1`, [proposalId]);
    assert.equal(row.status, 'cancelled');
    assert.deepEqual(row.payload, { erased: true });
    assert.equal(row.recipient, `erased+${leadId}@invalid`);
    assert.equal(row.unsubscribe_token_hash, null);
    await delivery.sweep();
    assert.equal(smtp.to(email).length, 0);
    assert.equal(smtp.received.filter((mail) => mail.raw.includes('Mustermann')).length, 0);
  });

  it("scrubs the person from a follow-up's decision when the lead is erased", async () => {
    const fixture = await pendingProposal(server, { name: 'Greta Lindqvist' });
    await approve(fixture.proposalId);
    await delivery.sweep();
    await smtp.waitFor(fixture.email);
    clock.advance(3 * DAY + 1_000);
    await delivery.sweep();
    const [followUp] = await followUps(fixture.proposalId);
    const rejected = await graphql(server.graphqlUrl, `mutation ($id: ID!) { rejectOutboundMessage(id: $id, feedback: "Greta Lindqvist asked us to wait until March") { status } }`, { variables: { id: followUp.id }, key: server.keys.approver });
    assert.equal(rejected.data?.['rejectOutboundMessage']?.status, 'CANCELLED', JSON.stringify(rejected.errors));
    await graphql(server.graphqlUrl, `mutation ($id: ID!) { eraseLead(id: $id) }`, { variables: { id: fixture.leadId }, key: server.keys.admin });
    const [decision] = await server.dataSource.query(`SELECT feedback FROM approval_decisions WHERE outbound_message_id = $1`, [followUp.id]);
    assert.doesNotMatch(decision.feedback, /Greta|Lindqvist/);
    const [scrubbed] = await followUps(fixture.proposalId);
    assert.deepEqual(scrubbed.payload, { erased: true });
  });

  it('lists the outbox by status, page by page, for any key and no one else', async () => {
    const query = `query ($status: OutboundStatus, $after: String) { outboundMessages(first: 1, status: $status, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind status messageId } } } }`;
    const sent = await graphql(server.graphqlUrl, query, { variables: { status: 'SENT' }, key: server.keys.viewer });
    const connection = sent.data!['outboundMessages'];
    assert.ok(connection.totalCount >= 2);
    assert.equal(connection.edges.length, 1);
    assert.equal(connection.pageInfo.hasNextPage, true);
    assert.ok(connection.edges.every((edge: any) => edge.node.status === 'SENT'));
    const next = await graphql(server.graphqlUrl, query, { variables: { status: 'SENT', after: connection.pageInfo.endCursor }, key: server.keys.viewer });
    assert.notEqual(next.data!['outboundMessages'].edges[0].node.id, connection.edges[0].node.id);
    const cancelled = await graphql(server.graphqlUrl, query, { variables: { status: 'CANCELLED' }, key: server.keys.integration });
    assert.ok(cancelled.data!['outboundMessages'].edges.every((edge: any) => edge.node.status === 'CANCELLED'));
    const anonymous = await graphql(server.graphqlUrl, query, { variables: {} });
    assert.equal(anonymous.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });
});
