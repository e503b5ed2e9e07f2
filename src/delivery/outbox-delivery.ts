import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import { agencyLanguage } from '../agents/agent-support.js';
import { returnedRows } from '../database/query-rows.js';
import { LeadStatus, OutboundStatus, ProposalStatus } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { DomainEvents } from '../services/domain-events.js';
import { describeMailError, isPermanentSmtpError, type MailAttachment, type Mailer, type OutgoingMail } from './mailer.js';
import { AUTOMATED_KINDS, FOLLOW_UP_QUEUE, type DeliveryQueue, type EmailKind, type MailSettings } from './outbox.js';
import { renderProposalPdf } from './proposal-pdf.js';

/** Retry policy of one message: exponential backoff from 30 s, capped at an hour, 8 attempts. */
export const DELIVERY_POLICY = { maxAttempts: 8, firstDelayMs: 30_000, maxDelayMs: 3_600_000, claimTimeoutMs: 120_000 } as const;

export type DeliveryResult = 'sent' | 'retry' | 'failed' | 'cancelled' | 'not-claimed';

export interface OutboxDeliveryDependencies {
  dataSource: DataSource;
  mailer: Mailer;
  settings: MailSettings;
  agency: AgencyConfig;
  clock: Clock;
  events: DomainEvents;
  logger: Logger;
  smtpUrl?: string;
  /** For the follow-ups' delayed jobs, enqueued when a proposal is sent. */
  queue?: DeliveryQueue | null;
}

/**
 * Delivers outbox e-mails. A message is claimed with a conditional UPDATE (pending and due, or a
 * claim older than the claim timeout: a worker that died mid-send), so two workers never send it
 * at once; it keeps the Message-ID it was written with on every attempt, so a crash between the
 * SMTP server's acceptance and the record here resends the same message, never a second one.
 */
export class OutboxDelivery {
  constructor(private readonly dependencies: OutboxDeliveryDependencies) {}

  /** Messages due now (pending, or claimed too long ago), oldest first. */
  async dueMessageIds(limit = 100): Promise<string[]> {
    const now = this.dependencies.clock.now();
    const rows = (await this.dependencies.dataSource.query(
      `SELECT id FROM outbound_messages WHERE channel = 'email'
         AND ((status = 'pending' AND available_at <= $1) OR (status = 'sending' AND claimed_at < $2))
       ORDER BY available_at, id LIMIT $3`,
      [now, new Date(now.getTime() - DELIVERY_POLICY.claimTimeoutMs), limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Delivers every due message, one after another; what fails is left for its next attempt. */
  async deliverDue(): Promise<number> {
    let sent = 0;
    for (const id of await this.dueMessageIds()) {
      if ((await this.deliver(id)) === 'sent') sent += 1;
    }
    return sent;
  }

  async deliver(id: string): Promise<DeliveryResult> {
    const { dataSource, clock, logger } = this.dependencies;
    const now = clock.now();
    const claimed = returnedRows<{ id: string }>(
      (await dataSource.query(
        `UPDATE outbound_messages SET status = 'sending', claimed_at = $2, attempts = attempts + 1, updated_at = now()
          WHERE id = $1 AND channel = 'email'
            AND ((status = 'pending' AND available_at <= $2) OR (status = 'sending' AND claimed_at < $3))
          RETURNING id`,
        [id, now, new Date(now.getTime() - DELIVERY_POLICY.claimTimeoutMs)],
      )) as unknown,
    );
    if (claimed.length !== 1) return 'not-claimed';
    const message = await dataSource.getRepository(OutboundMessage).findOneByOrFail({ id });
    const lead = message.leadId ? await dataSource.getRepository(Lead).findOneBy({ id: message.leadId }) : null;
    const stop = this.reasonToStop(message, lead, message.proposalId ? await dataSource.getRepository(Proposal).findOneBy({ id: message.proposalId }) : null);
    if (stop) {
      await this.cancel(message, stop);
      return 'cancelled';
    }
    let mail: OutgoingMail;
    try {
      mail = await this.compose(message, lead);
    } catch (error) {
      logger.error({ err: error, outboundMessageId: id }, 'e-mail could not be composed');
      return this.recordFailure(message, error, true);
    }
    try {
      const receipt = await this.dependencies.mailer.send(mail);
      logger.info({ outboundMessageId: id, kind: message.kind, attempts: message.attempts, response: receipt.response }, 'e-mail accepted by the SMTP server');
    } catch (error) {
      logger.warn({ err: describeMailError(error, this.dependencies.smtpUrl), outboundMessageId: id, attempts: message.attempts }, 'e-mail not accepted');
      return this.recordFailure(message, error, isPermanentSmtpError(error));
    }
    await this.recordSent(message, clock.now());
    return 'sent';
  }

  /** Why a message must not go out any more, or null. */
  private reasonToStop(message: OutboundMessage, lead: Lead | null, proposal: Proposal | null): string | null {
    if (!message.recipient) return 'no recipient';
    if (!lead) return message.kind === 'approver_notice' ? null : 'lead not found';
    if (lead.erasedAt) return 'lead erased';
    const kind = message.kind as EmailKind;
    if (lead.unsubscribedAt && AUTOMATED_KINDS.includes(kind)) return 'lead unsubscribed';
    if (kind === 'follow_up') {
      if (!proposal || proposal.status !== ProposalStatus.SENT) return `proposal is ${proposal?.status ?? 'gone'}`;
      if (lead.repliedAt && proposal.sentAt && lead.repliedAt >= proposal.sentAt) return 'lead replied';
    }
    if (kind === 'proposal' && proposal && proposal.status !== ProposalStatus.APPROVED && proposal.status !== ProposalStatus.SENT) return `proposal is ${proposal.status}`;
    return null;
  }

  private async compose(message: OutboundMessage, lead: Lead | null): Promise<OutgoingMail> {
    const { settings, agency, dataSource } = this.dependencies;
    const payload = message.payload as { text?: string; html?: string; unsubscribeUrl?: string; language?: string };
    const attachments: MailAttachment[] = [];
    if (message.kind === 'proposal' && message.proposalId) {
      const proposal = await dataSource.getRepository(Proposal).findOneByOrFail({ id: message.proposalId });
      const pdf = await renderProposalPdf(proposal, { name: lead?.name ?? null, company: lead?.company ?? null }, agencyLanguage(proposal.language), agency);
      attachments.push({ filename: `${fileNameOf(proposal.title)}.pdf`, content: pdf, contentType: 'application/pdf' });
    }
    const headers: Record<string, string> = {};
    if (payload.unsubscribeUrl) {
      headers['List-Unsubscribe'] = `<${payload.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    if (message.kind !== 'approver_notice') headers['Auto-Submitted'] = 'auto-generated';
    return {
      from: settings.from ?? `${agency.name} <${agency.contact.email}>`,
      to: message.recipient!.split(',').map((address) => address.trim()).filter(Boolean),
      ...(message.kind === 'approver_notice' ? {} : { replyTo: agency.contact.replyTo ?? agency.contact.email }),
      subject: message.subject ?? '',
      text: payload.text ?? '',
      html: payload.html ?? '',
      messageId: message.messageId!,
      headers,
      attachments,
    };
  }

  /** Accepted: the row is SENT, and what the sending completes is recorded in the same transaction. */
  private async recordSent(message: OutboundMessage, acceptedAt: Date): Promise<void> {
    const { dataSource, events } = this.dependencies;
    await dataSource.transaction(async (manager) => {
      const rows = returnedRows(
        (await manager.query(
          `UPDATE outbound_messages SET status = 'sent', sent_at = $2, claimed_at = NULL, last_error = NULL, updated_at = now() WHERE id = $1 AND status = 'sending' RETURNING id`,
          [message.id, acceptedAt],
        )) as unknown,
      );
      if (rows.length !== 1 || !message.leadId) return;
      await manager.getRepository(LeadActivity).insert({ leadId: message.leadId, type: 'email.sent', data: { outboundMessageId: message.id, kind: message.kind, attempts: message.attempts }, actor: 'system' });
      if (message.kind === 'first_reply') {
        await manager.query(`UPDATE leads SET first_response_at = $2, version = version + 1, updated_at = now() WHERE id = $1 AND first_response_at IS NULL`, [message.leadId, acceptedAt]);
      }
      if (message.kind === 'proposal' && message.proposalId && (await this.markProposalSent(manager, message, acceptedAt))) {
        await events.proposalChanged(message.proposalId, ProposalStatus.SENT, manager);
      }
      await events.leadChanged(message.leadId, manager);
    });
  }

  /** APPROVED → SENT exactly once (a conditional transition), and the lead with it. */
  private async markProposalSent(manager: EntityManager, message: OutboundMessage, sentAt: Date): Promise<boolean> {
    const moved = returnedRows<{ revision: number }>(
      (await manager.query(
        `UPDATE proposals SET status = 'sent', sent_at = $2, version = version + 1, updated_at = now() WHERE id = $1 AND status = 'approved' RETURNING revision`,
        [message.proposalId, sentAt],
      )) as unknown,
    );
    if (moved.length !== 1) return false;
    const lead = returnedRows<{ id: string }>(
      (await manager.query(`UPDATE leads SET status = $2, version = version + 1, updated_at = now() WHERE id = $1 AND status = $3 RETURNING id`, [message.leadId, LeadStatus.SENT, LeadStatus.AWAITING_APPROVAL])) as unknown,
    );
    await manager.getRepository(LeadActivity).insert([
      { leadId: message.leadId!, type: 'proposal.sent', data: { proposalId: message.proposalId!, revision: moved[0]!.revision, outboundMessageId: message.id }, actor: 'system' },
      ...(lead.length ? [{ leadId: message.leadId!, type: 'status.changed', data: { from: LeadStatus.AWAITING_APPROVAL, to: LeadStatus.SENT }, actor: 'system' }] : []),
    ]);
    // One delayed job per follow-up offset, in this transaction: they exist exactly when SENT does.
    const { queue, settings } = this.dependencies;
    for (const [index, offset] of settings.followUpOffsetsMs.entries()) {
      await queue?.enqueue(FOLLOW_UP_QUEUE, { proposalId: message.proposalId! }, { manager, onceKey: `follow-up-due:${message.proposalId}:${index + 1}`, startAfter: new Date(sentAt.getTime() + offset) });
    }
    return true;
  }

  private async recordFailure(message: OutboundMessage, error: unknown, permanent: boolean): Promise<DeliveryResult> {
    const { dataSource, clock } = this.dependencies;
    const final = permanent || message.attempts >= DELIVERY_POLICY.maxAttempts;
    const delay = Math.min(DELIVERY_POLICY.maxDelayMs, DELIVERY_POLICY.firstDelayMs * 2 ** Math.max(0, message.attempts - 1));
    const reason = describeMailError(error, this.dependencies.smtpUrl);
    await dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE outbound_messages SET status = $2, available_at = $3, last_error = $4, claimed_at = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
        [message.id, final ? OutboundStatus.FAILED : OutboundStatus.PENDING, new Date(clock.now().getTime() + delay), reason],
      );
      if (final && message.leadId) {
        await manager.getRepository(LeadActivity).insert({ leadId: message.leadId, type: 'email.failed', data: { outboundMessageId: message.id, kind: message.kind, attempts: message.attempts, reason }, actor: 'system' });
      }
    });
    return final ? 'failed' : 'retry';
  }

  private async cancel(message: OutboundMessage, reason: string): Promise<void> {
    await this.dependencies.dataSource.query(
      `UPDATE outbound_messages SET status = 'cancelled', last_error = $2, claimed_at = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [message.id, `not sent: ${reason}`],
    );
  }
}

function fileNameOf(title: string): string {
  const cleaned = title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').slice(0, 60);
  return cleaned || 'proposal';
}
