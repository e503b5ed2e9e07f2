import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DELIVERY_POLICY } from '../../../src/delivery/outbox-delivery.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { graphql } from '../../helpers/graphql.js';
import { startServe, stopProcesses, type ServeProcess } from '../../helpers/process.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSmtpServer, TestClock, type TestSmtpServer } from '../../helpers/smtp.js';
import { assertResentWithOneMessageId, deliveryFor, outboxRows, pendingProposal } from './fixtures.js';

/**
 * A worker process (`leadpilot serve --roles worker`) is killed with SIGKILL while it sends the
 * proposal: the SMTP server has the whole message and the worker never learns it was accepted,
 * nor records it. Another worker takes the stale claim over and sends the same Message-ID.
 */
describe('the delivery worker killed between sending and recording', () => {
  let database: TestDatabase;
  let server: TestServer;
  let smtp: TestSmtpServer;
  let worker: ServeProcess | undefined;
  let messageToKillOn: string | null = null;
  const clock = new TestClock();
  const mailEnv = () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Berneby Development <sales@berneby.example>', PUBLIC_URL: 'https://leads.example' });

  before(async () => {
    smtp = await startSmtpServer(0, {
      beforeAccepting: (mail) => {
        if (worker && mail.parsed.messageId === messageToKillOn) worker.child.kill('SIGKILL');
      },
    });
    database = await createTestDatabase();
    server = await startTestServer({ database, clock, env: mailEnv() });
  });
  after(async () => {
    await stopProcesses([worker]);
    await server?.stop();
    await database?.drop();
    await smtp?.stop();
  });

  it('resends the same Message-ID and records the proposal SENT once', async () => {
    const { proposalId, leadId, email } = await pendingProposal(server);
    const approved = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveProposal(id: $id) { status } }`, { variables: { id: proposalId }, key: server.keys.approver });
    assert.equal(approved.data?.['approveProposal']?.status, 'APPROVED', JSON.stringify(approved.errors));
    const [row] = await outboxRows(server, `proposal_id = $1 AND kind = 'proposal'`, [proposalId]);
    messageToKillOn = row.message_id;

    worker = startServe(['--roles', 'worker'], { ...mailEnv(), DATABASE_URL: database.url, LLM_PROVIDERS: 'offline' });
    await worker.exited;
    assert.equal(worker.child.signalCode, 'SIGKILL');
    const [claimed] = await outboxRows(server, `id = $1`, [row.id]);
    assert.equal(claimed.status, 'sending', 'claimed, sent, never recorded');
    assert.equal(smtp.received.filter((mail) => mail.parsed.messageId === row.message_id).length, 1);

    // Another worker, once the claim is older than the claim timeout.
    clock.advancePastReal(DELIVERY_POLICY.claimTimeoutMs + 1_000);
    const delivery = await deliveryFor(server, clock);
    try {
      await delivery.sweep();
    } finally {
      delivery.stop();
    }
    const proposalMails = smtp.to(email).filter((mail) => mail.parsed.attachments.some((attachment) => attachment.contentType === 'application/pdf'));
    await assertResentWithOneMessageId(server, proposalMails, { rowId: row.id, messageId: row.message_id, proposalId, leadId });
  });
});
