import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { AgencyConfig } from '../agents/agency-config.js';
import { agencyLanguage } from '../agents/agent-support.js';
import { returnedRows } from '../database/query-rows.js';
import { enqueueDelivery, hashUnsubscribeToken, writeEmail, type DeliveryQueue, type MailSettings } from '../delivery/outbox.js';
import { renderProposalEmail } from '../delivery/templates/proposal.template.js';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { DecisionKind, OutboundStatus, type Language } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import type { Proposal } from '../entities/proposal.entity.js';
import { notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { DomainEvents } from './domain-events.js';
import { decodeCursor, encodeCursor, pageSize, type Connection } from './pagination.js';
import { isUniqueViolation, parseArg, PROPOSAL_LIMITS, resolveDecider, type Decider, type ProposalService } from './proposal.service.js';
import { conflict } from './status-machine.js';

export const REPLY_TEXT_LIMIT = 20_000;

const replyTextSchema = z.string().trim().min(1, 'the reply text is required').max(REPLY_TEXT_LIMIT, `at most ${REPLY_TEXT_LIMIT} characters`);
const feedbackSchema = z.string().trim().min(1, 'feedback is required: say why it should not go out').max(PROPOSAL_LIMITS.feedback, `at most ${PROPOSAL_LIMITS.feedback} characters`);
const commentSchema = z.string().trim().max(PROPOSAL_LIMITS.comment, `at most ${PROPOSAL_LIMITS.comment} characters`).nullish();
const uuid = z.uuid();

/** Messages that have not gone out yet; stopping a sequence cancels these. */
const QUEUED: readonly OutboundStatus[] = [OutboundStatus.PENDING, OutboundStatus.AWAITING_APPROVAL];

/**
 * The outbox as a domain: what is queued, the approval of follow-ups (like proposals: one
 * recorded decision per message), and what stops automated mail (a reply, an unsubscribe, an
 * outcome). Writing the approved proposal's e-mail happens inside the approval's transaction.
 */
export class OutboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly queue: DeliveryQueue | null,
    private readonly settings: MailSettings,
    private readonly agency: AgencyConfig,
  ) {}

  /** Hooks e-mail into approval and outcome: both act inside those transactions. */
  attach(proposals: ProposalService): void {
    proposals.onProposalApproved((proposal, manager) => this.writeProposalEmail(proposal, manager));
    proposals.onProposalOutcome(async (proposal, outcome, manager) => {
      await this.cancelQueued(manager, proposal.leadId, ['follow_up'], `not sent: outcome ${outcome} recorded`);
    });
  }

  /** Newest first, ties broken by id, like leads and proposals. */
  async list(args: { first?: number | null; after?: string | null; status?: OutboundStatus | null }): Promise<Connection<OutboundMessage>> {
    const limit = pageSize(args.first);
    const query = this.dataSource.getRepository(OutboundMessage).createQueryBuilder('message');
    if (args.status) query.andWhere('message.status = :status', { status: args.status });
    const totalCount = await query.clone().getCount();
    if (args.after) {
      query.andWhere('(message.created_at, message.id) < (SELECT created_at, id FROM outbound_messages WHERE id = :afterId)', { afterId: decodeCursor(args.after) });
    }
    const rows = await query.orderBy('message.created_at', 'DESC').addOrderBy('message.id', 'DESC').take(limit + 1).getMany();
    const nodes = rows.slice(0, limit);
    return {
      edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null },
      totalCount,
    };
  }

  /** A follow-up waiting for approval goes out; the decision is recorded with the message's id. */
  async approve(id: string, comment: string | null | undefined, decider: Decider): Promise<OutboundMessage> {
    const parsedComment = parseArg(commentSchema, comment, 'comment') || null;
    const who = resolveDecider(decider);
    return this.decide(id, DecisionKind.APPROVED, parsedComment, who, OutboundStatus.PENDING);
  }

  /** A follow-up waiting for approval is not sent; the sequence goes on with the next one at its offset. */
  async reject(id: string, feedback: string, decider: Decider): Promise<OutboundMessage> {
    const parsedFeedback = parseArg(feedbackSchema, feedback, 'feedback');
    const who = resolveDecider(decider);
    return this.decide(id, DecisionKind.REJECTED, parsedFeedback, who, OutboundStatus.CANCELLED);
  }

  /** The lead answered (by hand, or fed by an integration): recorded, and the follow-ups stop. */
  async recordLeadReply(leadId: string, text: string, actor: string): Promise<Lead> {
    const parsed = parseArg(replyTextSchema, text, 'text');
    const lead = await this.mustFindLead(leadId);
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE leads SET replied_at = $2, version = version + 1, updated_at = now() WHERE id = $1`, [lead.id, now]);
      const cancelled = await this.cancelQueued(manager, lead.id, ['follow_up'], 'not sent: the lead replied');
      await manager.getRepository(LeadActivity).insert({ leadId: lead.id, type: 'lead.replied', data: { text: parsed, followUpsCancelled: cancelled }, actor });
      await this.events.leadChanged(lead.id, manager);
    });
    return this.dataSource.getRepository(Lead).findOneByOrFail({ id: lead.id });
  }

  /** The language of the mail an unsubscribe token came in, for its page; null when the token is unknown. */
  async unsubscribeLanguage(token: string): Promise<Language | null> {
    const rows = (await this.dataSource.query(
      `SELECT coalesce(m.payload->>'language', l.language) AS language FROM outbound_messages m JOIN leads l ON l.id = m.lead_id WHERE m.unsubscribe_token_hash = $1 AND l.erased_at IS NULL`,
      [hashUnsubscribeToken(token)],
    )) as { language: Language }[];
    return rows[0]?.language ?? null;
  }

  /** Any token of the lead's messages unsubscribes the lead; idempotent. False when the token is unknown. */
  async unsubscribe(token: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT m.lead_id FROM outbound_messages m JOIN leads l ON l.id = m.lead_id WHERE m.unsubscribe_token_hash = $1 AND l.erased_at IS NULL`,
      [hashUnsubscribeToken(token)],
    )) as { lead_id: string }[];
    const leadId = rows[0]?.lead_id;
    if (!leadId) return false;
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const updated = returnedRows(
        (await manager.query(`UPDATE leads SET unsubscribed_at = $2, version = version + 1, updated_at = now() WHERE id = $1 AND unsubscribed_at IS NULL RETURNING id`, [leadId, now])) as unknown,
      );
      if (updated.length === 0) return;
      const cancelled = await this.cancelQueued(manager, leadId, ['first_reply', 'follow_up'], 'not sent: the lead unsubscribed');
      await manager.getRepository(LeadActivity).insert({ leadId, type: 'lead.unsubscribed', data: { cancelled }, actor: 'lead' });
      await this.events.leadChanged(leadId, manager);
    });
    return true;
  }

  /** In the approval's transaction: the proposal e-mail (PDF attached at sending), and its delivery job. */
  private async writeProposalEmail(proposal: Proposal, manager: EntityManager): Promise<void> {
    const lead = await manager.getRepository(Lead).findOneByOrFail({ id: proposal.leadId });
    if (lead.erasedAt) return;
    const language = agencyLanguage(proposal.language);
    await writeEmail(manager, this.settings, this.queue, {
      kind: 'proposal',
      leadId: lead.id,
      proposalId: proposal.id,
      recipient: lead.email,
      language: proposal.language,
      idempotencyKey: `proposal:${proposal.id}`,
      availableAt: this.clock.now(),
      unsubscribable: true,
      render: (unsubscribeUrl) =>
        renderProposalEmail({ leadName: lead.name, title: proposal.title, total: proposal.total, currency: proposal.currency, validUntil: proposal.validUntil }, language, this.agency, unsubscribeUrl),
      details: { revision: proposal.revision },
    });
  }

  private async decide(id: string, decision: DecisionKind, feedback: string | null, who: { actor: string; channel: ApprovalDecision['channel'] }, to: OutboundStatus): Promise<OutboundMessage> {
    if (!uuid.safeParse(id).success) throw notFound('outbound message', id);
    const message = await this.dataSource.getRepository(OutboundMessage).findOneBy({ id });
    if (!message) throw notFound('outbound message', id);
    const action = decision === DecisionKind.APPROVED ? 'approved' : 'rejected';
    const now = this.clock.now();
    await this.dataSource
      .transaction(async (manager) => {
        const moved = returnedRows(
          (await manager.query(
            `UPDATE outbound_messages SET status = $2, available_at = greatest(available_at, $3), last_error = $4, updated_at = now()
              WHERE id = $1 AND status = 'awaiting_approval' RETURNING id`,
            [id, to, now, decision === DecisionKind.REJECTED ? 'not sent: rejected' : null],
          )) as unknown,
        );
        if (moved.length !== 1) {
          const current = await manager.getRepository(OutboundMessage).findOneBy({ id });
          throw conflict('Outbound message', id, current?.status ?? 'unknown', action);
        }
        await manager.getRepository(ApprovalDecision).insert({ outboundMessageId: id, decision, feedback, decidedBy: who.actor, channel: who.channel });
        if (message.leadId) {
          await manager.getRepository(LeadActivity).insert({
            leadId: message.leadId,
            type: `${message.kind}.${action}`,
            data: { outboundMessageId: id, channel: who.channel, ...(feedback ? { [decision === DecisionKind.APPROVED ? 'comment' : 'feedback']: feedback } : {}) },
            actor: who.actor,
          });
        }
        if (to === OutboundStatus.PENDING) await enqueueDelivery(manager, this.settings, this.queue, id);
        if (message.leadId) await this.events.leadChanged(message.leadId, manager);
      })
      .catch(async (error: unknown) => {
        // The unique index on approval_decisions(outbound_message_id) is the last line of defence.
        if (isUniqueViolation(error)) throw conflict('Outbound message', id, (await this.dataSource.getRepository(OutboundMessage).findOneBy({ id }))?.status ?? 'unknown', action);
        throw error;
      });
    return this.dataSource.getRepository(OutboundMessage).findOneByOrFail({ id });
  }

  /** Cancels the lead's queued messages of these kinds; returns how many. */
  private async cancelQueued(manager: EntityManager, leadId: string, kinds: readonly string[], reason: string): Promise<number> {
    const rows = (await manager.query(
      `UPDATE outbound_messages SET status = 'cancelled', last_error = $4, updated_at = now()
        WHERE lead_id = $1 AND kind = ANY($2::text[]) AND status = ANY($3::text[]) RETURNING id`,
      [leadId, [...kinds], [...QUEUED], reason],
    )) as unknown;
    return returnedRows(rows).length;
  }

  private async mustFindLead(leadId: string): Promise<Lead> {
    const lead = uuid.safeParse(leadId).success ? await this.dataSource.getRepository(Lead).findOneBy({ id: leadId }) : null;
    if (!lead || lead.erasedAt) throw notFound('lead', leadId);
    return lead;
  }
}
