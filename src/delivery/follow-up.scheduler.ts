import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import { agencyLanguage } from '../agents/agent-support.js';
import type { LanguageModel } from '../agents/models/language-model.js';
import { writeFollowUp, writeFollowUpOffline, type FollowUp } from '../agents/write-follow-up.agent.js';
import { OutboundStatus, type Language } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { DomainEvents } from '../services/domain-events.js';
import { writeEmail, type DeliveryQueue, type MailSettings } from './outbox.js';
import { renderFollowUpEmail } from './templates/follow-up.template.js';

const DAY_MS = 86_400_000;

interface SentProposalRow {
  id: string;
  lead_id: string;
  title: string;
  total: string;
  currency: string;
  valid_until: string | null;
  sent_at: Date;
  name: string;
  company: string | null;
  email: string;
  language: Language;
  written: number;
  open: number;
  subjects: string[] | null;
}

/**
 * The follow-up sequence as durable state, not timers: when a proposal is sent, one delayed job
 * per offset is enqueued in the same transaction (the fast path), and each sweep (the worker's
 * interval, or a test with its own clock) writes the next follow-up of every SENT proposal whose
 * offset from `sent_at` has passed (the robust path). One at a time: the next is written once the previous has been sent or
 * decided, so a late sweep never sends two at once. The sequence stops by itself when the
 * proposal is no longer SENT (an outcome), or the lead replied, unsubscribed or was erased.
 */
export class FollowUpScheduler {
  constructor(
    private readonly dependencies: {
      dataSource: DataSource;
      settings: MailSettings;
      queue: DeliveryQueue | null;
      agency: AgencyConfig;
      model: LanguageModel | null;
      clock: Clock;
      events: DomainEvents;
      logger: Logger;
    },
  ) {}

  /** Writes the follow-ups due now (of one proposal, for its delayed job); returns how many. */
  async writeDue(proposalId?: string): Promise<number> {
    const { dataSource, settings, clock } = this.dependencies;
    const offsets = settings.followUpOffsetsMs;
    if (offsets.length === 0) return 0;
    const now = clock.now();
    const rows = (await dataSource.query(
      `SELECT p.id, p.lead_id, p.title, p.total, p.currency, p.valid_until::text AS valid_until, p.sent_at, l.name, l.company, l.email, l.language,
              count(m.id)::int AS written,
              count(m.id) FILTER (WHERE m.status IN ('pending', 'awaiting_approval', 'sending'))::int AS open,
              array_agg(m.subject ORDER BY m.created_at) FILTER (WHERE m.id IS NOT NULL) AS subjects
         FROM proposals p
         JOIN leads l ON l.id = p.lead_id
         LEFT JOIN outbound_messages m ON m.proposal_id = p.id AND m.kind = 'follow_up'
        WHERE p.status = 'sent' AND p.sent_at IS NOT NULL
          AND l.erased_at IS NULL AND l.unsubscribed_at IS NULL AND (l.replied_at IS NULL OR l.replied_at < p.sent_at)
          AND ($1::uuid IS NULL OR p.id = $1::uuid)
        GROUP BY p.id, l.id`,
      [proposalId ?? null],
    )) as SentProposalRow[];
    let written = 0;
    for (const row of rows) {
      const number = row.written + 1;
      if (row.open > 0 || number > offsets.length) continue;
      if (row.sent_at.getTime() + offsets[number - 1]! > now.getTime()) continue;
      if (await this.write(row, number, now)) written += 1;
    }
    return written;
  }

  private async write(row: SentProposalRow, number: number, now: Date): Promise<boolean> {
    const { dataSource, settings, queue, agency, events } = this.dependencies;
    const followUp = await this.compose(row, number, now);
    const auto = settings.followUpsAuto;
    const id = await dataSource.transaction(async (manager) => {
      // Re-checked under the lead's lock: a reply or an outcome committed since the query above wins.
      const current = (await manager.query(
        `SELECT 1 FROM leads l JOIN proposals p ON p.lead_id = l.id
          WHERE l.id = $1 AND p.id = $2 AND p.status = 'sent' AND l.erased_at IS NULL AND l.unsubscribed_at IS NULL
            AND (l.replied_at IS NULL OR l.replied_at < p.sent_at) FOR UPDATE OF l`,
        [row.lead_id, row.id],
      )) as unknown[];
      if (current.length === 0) return null;
      const written = await writeEmail(manager, settings, queue, {
        kind: 'follow_up',
        leadId: row.lead_id,
        proposalId: row.id,
        recipient: row.email,
        language: row.language,
        idempotencyKey: `follow-up:${row.id}:${number}`,
        availableAt: now,
        status: auto ? OutboundStatus.PENDING : OutboundStatus.AWAITING_APPROVAL,
        unsubscribable: true,
        render: (unsubscribeUrl) => renderFollowUpEmail(followUp, agencyLanguage(row.language), agency, unsubscribeUrl),
        details: { followUpNumber: number },
      });
      if (written) {
        await manager.getRepository(LeadActivity).insert({
          leadId: row.lead_id,
          type: auto ? 'follow_up.queued' : 'follow_up.awaiting_approval',
          data: { proposalId: row.id, outboundMessageId: written, number },
          actor: 'agent:follow-up-writer',
        });
        await events.leadChanged(row.lead_id, manager);
      }
      return written;
    });
    return id !== null;
  }

  /** The agent writes it; without a model (or when it fails) its offline rules do. */
  private async compose(row: SentProposalRow, number: number, now: Date): Promise<FollowUp> {
    const input = {
      language: row.language,
      leadName: row.name,
      company: row.company,
      proposal: { title: row.title, total: Number(row.total), currency: row.currency, sentAt: row.sent_at, validUntil: row.valid_until },
      followUpNumber: number,
      daysSinceSent: Math.max(0, Math.floor((now.getTime() - row.sent_at.getTime()) / DAY_MS)),
      earlierSubjects: (row.subjects ?? []).filter((subject): subject is string => typeof subject === 'string'),
    };
    const { model, agency, logger } = this.dependencies;
    if (!model) return writeFollowUpOffline(input, agency);
    try {
      return (await writeFollowUp(model, input, agency, { leadId: row.lead_id })).object;
    } catch (error) {
      logger.warn({ err: error, proposalId: row.id }, 'follow-up writer failed; its offline rules write this one');
      return writeFollowUpOffline(input, agency);
    }
  }
}
