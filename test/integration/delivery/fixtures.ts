import assert from 'node:assert/strict';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import type { Config } from '../../../src/config.js';
import type { Mailer } from '../../../src/delivery/mailer.js';
import { startDelivery, type DeliveryRole } from '../../../src/delivery/start-delivery.js';
import { Language, LeadStatus } from '../../../src/entities/enums.js';
import { createLogger } from '../../../src/logger.js';
import { noDomainEvents } from '../../../src/services/domain-events.js';
import type { Clock } from '../../../src/lib/clock.js';
import type { TestServer } from '../../helpers/server.js';

let counter = 0;

/** A lead waiting for approval with one PENDING_APPROVAL proposal, set up without running the agents. */
export async function pendingProposal(server: TestServer, options: { language?: Language; name?: string; title?: string; email?: string } = {}): Promise<{ leadId: string; proposalId: string; email: string }> {
  counter += 1;
  const email = options.email ?? `lead${counter}.${Date.now()}@customer.example`;
  const { lead } = await server.services.leads.submit(
    { name: options.name ?? 'Anna Schmidt', email, company: 'Schmidt GmbH', message: `We need a booking platform with an admin dashboard and card payments (${counter}).` },
    'api-key:test',
  );
  // Where the agents would have taken it: waiting for approval.
  await server.dataSource.query(`UPDATE leads SET status = $2 WHERE id = $1`, [lead.id, LeadStatus.AWAITING_APPROVAL]);
  const proposal = await server.services.proposals.createDraft(lead.id, {
    language: options.language ?? Language.EN,
    title: options.title ?? 'Booking platform',
    body: '## Scope\n\n- Booking and payment\n- **Admin** dashboard',
    lineItems: [
      { description: 'Discovery workshop', days: 2, rate: 1040, amount: 2080 },
      { description: 'Booking platform', days: 20, rate: 920, amount: 18400 },
    ],
    validUntil: '2027-01-31',
  });
  return { leadId: lead.id, proposalId: proposal.id, email };
}

/** The worker's e-mail part on the spec's clock, without the interval and (unless asked) without the job handler. */
export function deliveryFor(server: TestServer, clock: Clock, overrides: { smtpUrl?: string; handleJobs?: boolean; mailer?: Mailer } = {}): Promise<DeliveryRole> {
  const config: Config = { ...server.config, mail: { ...server.config.mail, ...(overrides.smtpUrl ? { smtpUrl: overrides.smtpUrl } : {}) } };
  return startDelivery({
    config,
    dataSource: server.dataSource,
    queue: server.queue,
    agency: loadAgencyConfig(),
    model: null,
    clock,
    events: noDomainEvents,
    logger: createLogger({ level: 'silent' }),
    sweepIntervalMs: 0,
    handleJobs: overrides.handleJobs ?? false,
    ...(overrides.mailer ? { mailer: overrides.mailer } : {}),
  });
}

export async function outboxRows(server: TestServer, where: string, parameters: unknown[]): Promise<any[]> {
  return server.dataSource.query(`SELECT * FROM outbound_messages WHERE ${where} ORDER BY created_at, id`, parameters);
}

export const DAY = 86_400_000;

/**
 * After a crash between the SMTP server's acceptance and the record: the proposal e-mail went out
 * twice at worst, both times with its one Message-ID, and was recorded as sent once.
 */
export async function assertResentWithOneMessageId(server: TestServer, mails: { parsed: { messageId?: string | undefined } }[], ids: { rowId: string; messageId: string; proposalId: string; leadId: string }): Promise<void> {
  assert.deepEqual(mails.map((mail) => mail.parsed.messageId), [ids.messageId, ids.messageId], 'the same message twice at worst, never a second Message-ID');
  const [done] = await outboxRows(server, `id = $1`, [ids.rowId]);
  assert.equal(done.status, 'sent');
  assert.equal(done.attempts, 2);
  const [proposal] = await server.dataSource.query(`SELECT status FROM proposals WHERE id = $1`, [ids.proposalId]);
  assert.equal(proposal.status, 'sent');
  const sent = await server.dataSource.query(`SELECT count(*)::int AS n FROM lead_activities WHERE lead_id = $1 AND type = 'proposal.sent'`, [ids.leadId]);
  assert.equal(sent[0].n, 1);
}
