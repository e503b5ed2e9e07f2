import { In, type DataSource, type EntityManager } from 'typeorm';
import { AgentRun } from '../entities/agent-run.entity.js';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { OutboundStatus } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { SolutionDesign } from '../entities/solution-design.entity.js';
import { notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { DomainEvents } from './domain-events.js';

export const ERASED = '[erased]';

/**
 * The data-protection requests: export everything held on a person, and erase it. Erasure keeps
 * the records (KPIs, the audit trail, prices) and removes the person from them.
 */
export class LeadPrivacyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** Everything held on the lead's person, as plain JSON. */
  async export(leadId: string): Promise<Record<string, unknown>> {
    const manager = this.dataSource.manager;
    const lead = await this.mustFind(manager, leadId);
    const proposals = await manager.find(Proposal, { where: { leadId }, order: { revision: 'ASC' } });
    const proposalIds = proposals.map((proposal) => proposal.id);
    const { inputHash: _internal, ...leadFields } = lead;
    const outboundMessages = await this.outboundOf(manager, leadId, proposalIds);
    const decisionsWhere = [
      ...(proposalIds.length ? [{ proposalId: In(proposalIds) }] : []),
      ...(outboundMessages.length ? [{ outboundMessageId: In(outboundMessages.map((message) => message.id)) }] : []),
    ];
    return toJson({
      exportedAt: this.clock.now(),
      lead: leadFields,
      activities: await manager.find(LeadActivity, { where: { leadId }, order: { createdAt: 'ASC' } }),
      solutionDesigns: await manager.find(SolutionDesign, { where: { leadId }, order: { revision: 'ASC' } }),
      proposals,
      decisions: decisionsWhere.length ? await manager.find(ApprovalDecision, { where: decisionsWhere, order: { createdAt: 'ASC' } }) : [],
      outboundMessages,
      agentRuns: await manager.find(AgentRun, { where: { leadId }, order: { createdAt: 'ASC' } }),
    });
  }

  /**
   * Scrubs the person from every table that holds them; idempotent (a second call changes
   * nothing). Free text written about the lead (proposals, designs, feedback) keeps its content
   * with the person's strings replaced, so prices and KPIs survive.
   */
  async erase(leadId: string, actor: string): Promise<boolean> {
    if (!isUuid(leadId)) throw notFound('lead', leadId);
    await this.dataSource.transaction(async (manager) => {
      const lead = await manager.getRepository(Lead).createQueryBuilder('lead').setLock('pessimistic_write').where('lead.id = :leadId', { leadId }).getOne();
      if (!lead) throw notFound('lead', leadId);
      if (lead.erasedAt) return;
      const scrub = scrubberFor(lead);
      await manager.query(
        `UPDATE leads SET name = $2, email = $3, company = NULL, website = NULL, phone = NULL, message = $2, budget = NULL,
           timeline = NULL, score_details = NULL, next_action = NULL, idempotency_key = NULL, input_hash = NULL,
           erased_at = $4, version = version + 1, updated_at = now() WHERE id = $1`,
        [leadId, ERASED, `erased+${leadId}@invalid`, this.clock.now()],
      );
      const proposals = await manager.find(Proposal, { where: { leadId } });
      for (const proposal of proposals) {
        await manager.save(Proposal, {
          ...proposal,
          title: scrub(proposal.title),
          body: scrub(proposal.body),
          lineItems: scrubJson(proposal.lineItems, scrub),
          reviewNotes: scrubJson(proposal.reviewNotes, scrub),
          // The basis quotes the lead's own words (requirements, name): not kept once erased.
          basis: null,
          contractDraft: proposal.contractDraft ? scrub(proposal.contractDraft) : null,
        });
      }
      for (const design of await manager.find(SolutionDesign, { where: { leadId } })) {
        await manager.save(SolutionDesign, {
          ...design,
          summary: scrub(design.summary),
          components: scrubJson(design.components, scrub),
          workPackages: scrubJson(design.workPackages, scrub),
          risks: scrubJson(design.risks, scrub),
          assumptions: scrubJson(design.assumptions, scrub),
          alternatives: scrubJson(design.alternatives, scrub),
          stack: scrubJson(design.stack, scrub),
        });
      }
      const proposalIds = proposals.map((proposal) => proposal.id);
      // Decisions on the proposals and on the lead's follow-ups alike.
      const messageIds = (await this.outboundOf(manager, leadId, proposalIds)).map((message) => message.id);
      const decisionsWhere = [...(proposalIds.length ? [{ proposalId: In(proposalIds) }] : []), ...(messageIds.length ? [{ outboundMessageId: In(messageIds) }] : [])];
      for (const decision of decisionsWhere.length ? await manager.find(ApprovalDecision, { where: decisionsWhere }) : []) {
        if (decision.feedback) await manager.update(ApprovalDecision, decision.id, { feedback: scrub(decision.feedback) });
      }
      for (const message of await this.outboundOf(manager, leadId, proposalIds)) {
        // Whatever has not gone out never will: cancelled with its content (the delivery worker also refuses an erased lead's mail).
        const queued = [OutboundStatus.PENDING, OutboundStatus.AWAITING_APPROVAL, OutboundStatus.SENDING].includes(message.status);
        await manager.update(OutboundMessage, message.id, {
          payload: { erased: true },
          recipient: message.recipient ? `erased+${leadId}@invalid` : null,
          subject: message.subject ? ERASED : null,
          lastError: queued ? 'not sent: lead erased' : null,
          unsubscribeTokenHash: null,
          ...(queued ? { status: OutboundStatus.CANCELLED, claimedAt: null } : {}),
        });
      }
      for (const run of await manager.find(AgentRun, { where: { leadId } })) {
        await manager.save(AgentRun, { ...run, error: run.error ? scrub(run.error) : null, attempts: scrubJson(run.attempts, scrub) });
      }
      // The pipeline's recorded step outputs hold the person's data; jobs still queued find the lead erased and stop.
      await manager.query(`DELETE FROM lead_pipeline_steps WHERE lead_id = $1`, [leadId]);
      // The trail stays (type, actor, when); what it recorded about the person goes.
      await manager.query(`UPDATE lead_activities SET data = '{}'::jsonb WHERE lead_id = $1`, [leadId]);
      // Outgoing webhooks carried the contact: their payloads go, and whatever is still waiting is not sent.
      await manager.query(
        `UPDATE webhook_deliveries SET payload = jsonb_build_object('event', event, 'erased', true),
                status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
                last_error = CASE WHEN status = 'pending' THEN 'not sent: lead erased' ELSE last_error END,
                next_attempt_at = NULL, updated_at = now()
          WHERE lead_id = $1`,
        [leadId],
      );
      // This activity also asks the CRM sync to delete the lead's HubSpot contact and deal (the integrations trigger).
      await manager.insert(LeadActivity, { leadId, type: 'lead.erased', data: {}, actor });
      await this.events.leadChanged(leadId, manager);
    });
    return true;
  }

  private outboundOf(manager: EntityManager, leadId: string, proposalIds: string[]): Promise<OutboundMessage[]> {
    const where = proposalIds.length ? [{ leadId }, { proposalId: In(proposalIds) }] : [{ leadId }];
    return manager.find(OutboundMessage, { where, order: { createdAt: 'ASC' } });
  }

  private async mustFind(manager: EntityManager, leadId: string): Promise<Lead> {
    const lead = isUuid(leadId) ? await manager.findOneBy(Lead, { id: leadId }) : null;
    if (!lead) throw notFound('lead', leadId);
    return lead;
  }
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Replaces every personal string of the lead (case-insensitive), longest first so parts of longer ones go too. */
function scrubberFor(lead: Lead): (text: string) => string {
  const personal = [lead.email, lead.name, lead.company, lead.phone, lead.website, lead.email.split('@')[0]]
    .filter((value): value is string => typeof value === 'string' && value.trim().length >= 3)
    .sort((a, b) => b.length - a.length);
  if (!personal.length) return (text) => text;
  const pattern = new RegExp(personal.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, ERASED);
}

function scrubJson<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, scrub)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubJson(item, scrub)])) as T;
  }
  return value;
}

/** Dates as ISO strings, so the export is plain JSON whatever serialises it. */
function toJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
