import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../../agents/agency-config.js';
import type { LanguageModel } from '../../agents/models/language-model.js';
import { summariseForCrm, summariseForCrmOffline } from '../../agents/summarise-for-crm.agent.js';
import { LeadStatus, ProposalStatus } from '../../entities/enums.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../logger.js';
import type { EnqueueOptions } from '../../pipeline/job-queue.js';
import { DEAL_STAGE_FOR_STATUS, NOT_IN_CRM } from './deal-stage.js';
import { LEAD_ID_PROPERTY, type HubSpotPort, type Properties } from './hubspot.client.js';

export const HUBSPOT_QUEUE = 'hubspot-sync';
export interface HubSpotSyncPayload {
  leadId: string;
}
export interface HubSpotQueue {
  enqueue(name: typeof HUBSPOT_QUEUE, payload: HubSpotSyncPayload, options?: EnqueueOptions): Promise<string | null>;
}

interface LinkRow {
  lead_id: string;
  contact_id: string | null;
  deal_id: string | null;
  noted_proposal_ids: string[];
  wanted: number;
  attempts: number;
}

interface LeadRow {
  id: string;
  name: string;
  email: string;
  company: string | null;
  website: string | null;
  phone: string | null;
  message: string;
  status: LeadStatus;
  fit_score: number | null;
  priority: string | null;
  source: string;
  erased_at: Date | null;
}

interface ProposalRow {
  id: string;
  title: string;
  total: string;
  currency: string;
  status: ProposalStatus;
  revision: number;
}

/** Proposals that stand for the lead's offer (not drafts, not replaced ones). */
const CURRENT_PROPOSAL = [ProposalStatus.PENDING_APPROVAL, ProposalStatus.APPROVED, ProposalStatus.SENT, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED];
/** A note is written once per proposal, when it goes out. */
const NOTED = [ProposalStatus.SENT, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED];

export interface HubSpotSyncOptions {
  dataSource: DataSource;
  hubspot: HubSpotPort;
  queue: HubSpotQueue;
  clock: Clock;
  logger: Logger;
  /** The CRM summariser's model (its offline rules when null). */
  model: LanguageModel | null;
  agency: AgencyConfig;
  publicUrl: string;
}

export type SyncOutcome = 'synced' | 'skipped' | 'retry';

/**
 * Keeps HubSpot in step with leads: the integrations trigger bumps crm_links.wanted with every
 * relevant change (in the change's transaction); the sweep enqueues one job per lead and wanted
 * value; the job brings the contact, the deal and the note to the lead's current state. The sync
 * is by state, not by event, so any number of changes, retries or redeliveries end the same.
 *
 * Idempotency: an id HubSpot gives back is written to crm_links at once. If the process dies
 * between HubSpot's create and that write, the next run searches HubSpot for the object carrying
 * our `leadpilot_lead_id` property (contacts also by e-mail) and adopts it instead of creating a
 * second one.
 */
export class HubSpotSync {
  constructor(private readonly options: HubSpotSyncOptions) {}

  async sweep(limit = 100): Promise<number> {
    const now = this.options.clock.now();
    return this.options.dataSource.transaction(async (manager) => {
      const due = (await manager.query(
        `SELECT lead_id, wanted FROM crm_links
          WHERE wanted > synced AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND enqueued IS DISTINCT FROM wanted
          ORDER BY next_attempt_at NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      )) as { lead_id: string; wanted: number }[];
      for (const row of due) {
        await manager.query(`UPDATE crm_links SET enqueued = wanted WHERE lead_id = $1`, [row.lead_id]);
        await this.options.queue.enqueue(HUBSPOT_QUEUE, { leadId: row.lead_id }, { manager });
      }
      return due.length;
    });
  }

  /** The job: one lead brought up to date. Failures are recorded on its row with backoff, never thrown. */
  async sync(leadId: string): Promise<SyncOutcome> {
    const { dataSource } = this.options;
    // One sync per lead at a time, across processes: a second job (the lead changed again while
    // this one ran) steps aside and the sweep brings it back. A session lock on a connection of
    // its own, so no row stays locked against the lead's own changes while HubSpot answers.
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('crm-sync'), hashtext($1)) AS locked`, [leadId])) as { locked: boolean }[];
      if (!lock?.locked) {
        await dataSource.query(`UPDATE crm_links SET enqueued = NULL WHERE lead_id = $1`, [leadId]);
        return 'skipped';
      }
      try {
        return await this.syncLocked(leadId);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('crm-sync'), hashtext($1))`, [leadId]);
      }
    } finally {
      await runner.release();
    }
  }

  private async syncLocked(leadId: string): Promise<SyncOutcome> {
    const { dataSource } = this.options;
    const [link] = (await dataSource.query(`SELECT * FROM crm_links WHERE lead_id = $1`, [leadId])) as LinkRow[];
    if (!link) return 'skipped';
    try {
      await this.bringUpToDate(link);
      // Done up to the value read at the start: a change meanwhile bumped wanted and stays due.
      await dataSource.query(`UPDATE crm_links SET synced = GREATEST(synced, $2), attempts = 0, last_error = NULL, next_attempt_at = NULL, enqueued = NULL, synced_at = $3, updated_at = now() WHERE lead_id = $1`, [
        leadId,
        link.wanted,
        this.options.clock.now(),
      ]);
      return 'synced';
    } catch (error) {
      const attempts = link.attempts + 1;
      const delayMs = Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);
      const message = error instanceof Error ? error.message : String(error);
      await dataSource.query(`UPDATE crm_links SET attempts = $2, last_error = $3, next_attempt_at = $4, enqueued = NULL, updated_at = now() WHERE lead_id = $1`, [
        leadId,
        attempts,
        message.slice(0, 500),
        new Date(this.options.clock.now().getTime() + delayMs),
      ]);
      this.options.logger.warn({ leadId, attempts, error: message }, 'HubSpot sync failed; retrying later');
      return 'retry';
    }
  }

  private async bringUpToDate(link: LinkRow): Promise<void> {
    const { dataSource, hubspot } = this.options;
    const [lead] = (await dataSource.query(`SELECT * FROM leads WHERE id = $1`, [link.lead_id])) as LeadRow[];
    if (!lead) return;

    if (lead.erased_at) {
      // Erasure reaches HubSpot: the contact GDPR-deleted, the deal removed (found by our property if the link was lost).
      // A create whose id never reached us (a crash) is found by our property, so it goes too.
      const contactId = link.contact_id ?? (await hubspot.findContact(lead.id, lead.email));
      const dealId = link.deal_id ?? (await hubspot.findDeal(lead.id));
      if (dealId) await hubspot.archiveDeal(dealId);
      if (contactId) await hubspot.purgeContact(contactId);
      await dataSource.query(`UPDATE crm_links SET contact_id = NULL, deal_id = NULL, erased = true WHERE lead_id = $1`, [lead.id]);
      return;
    }
    if (NOT_IN_CRM.includes(lead.status) && !link.contact_id) return;

    const contactProperties: Properties = {
      email: lead.email,
      ...splitName(lead.name),
      ...(lead.company ? { company: lead.company } : {}),
      ...(lead.website ? { website: lead.website } : {}),
      ...(lead.phone ? { phone: lead.phone } : {}),
      [LEAD_ID_PROPERTY]: lead.id,
    };
    let contactId = link.contact_id;
    if (contactId) {
      await hubspot.updateContact(contactId, contactProperties);
    } else {
      contactId = await hubspot.findContact(lead.id, lead.email);
      if (contactId) await hubspot.updateContact(contactId, contactProperties);
      else contactId = await hubspot.createContact(contactProperties);
      await dataSource.query(`UPDATE crm_links SET contact_id = $2 WHERE lead_id = $1`, [lead.id, contactId]);
    }

    const stage = DEAL_STAGE_FOR_STATUS[lead.status];
    const [proposal] = (await dataSource.query(
      `SELECT id, title, total, currency, status, revision FROM proposals WHERE lead_id = $1 AND status = ANY($2::text[]) ORDER BY revision DESC LIMIT 1`,
      [lead.id, CURRENT_PROPOSAL],
    )) as ProposalRow[];
    let dealId = link.deal_id;
    if (stage || dealId) {
      const dealProperties: Properties = {
        dealname: `${lead.company ?? lead.name}${proposal ? `: ${proposal.title}` : ''}`.slice(0, 250),
        pipeline: 'default',
        ...(stage ? { dealstage: stage } : {}),
        ...(proposal ? { amount: String(Number(proposal.total)), deal_currency_code: proposal.currency } : {}),
        [LEAD_ID_PROPERTY]: lead.id,
      };
      if (dealId) {
        await hubspot.updateDeal(dealId, dealProperties);
      } else {
        dealId = await hubspot.findDeal(lead.id);
        if (dealId) await hubspot.updateDeal(dealId, dealProperties);
        else dealId = await hubspot.createDeal(dealProperties, contactId);
        await dataSource.query(`UPDATE crm_links SET deal_id = $2 WHERE lead_id = $1`, [lead.id, dealId]);
      }
    }

    if (proposal && NOTED.includes(proposal.status) && !link.noted_proposal_ids.includes(proposal.id)) {
      const note = await this.noteFor(lead, proposal);
      await hubspot.createNote(note, this.options.clock.now(), { contactId, dealId });
      await dataSource.query(`UPDATE crm_links SET noted_proposal_ids = array_append(noted_proposal_ids, $2) WHERE lead_id = $1`, [lead.id, proposal.id]);
    }
  }

  /** The CRM summariser's note (recorded in agent_runs like every agent call). */
  private async noteFor(lead: LeadRow, proposal: ProposalRow): Promise<string> {
    const activities = (await this.options.dataSource.query(`SELECT type, created_at, actor FROM lead_activities WHERE lead_id = $1 ORDER BY created_at DESC LIMIT 20`, [lead.id])) as {
      type: string;
      created_at: Date;
      actor: string;
    }[];
    const input = {
      lead: { name: lead.name, company: lead.company, status: lead.status, fitScore: lead.fit_score, priority: lead.priority, source: lead.source, message: lead.message },
      qualificationReasons: [],
      proposal: { title: proposal.title, total: Number(proposal.total), currency: proposal.currency, status: proposal.status, revision: proposal.revision },
      activities: activities.map((activity) => ({ type: activity.type, createdAt: new Date(activity.created_at).toISOString(), actor: activity.actor })),
      proposalLink: `${this.options.publicUrl}/dashboard/proposals/${proposal.id}`,
    };
    if (!this.options.model) return summariseForCrmOffline(input, this.options.agency).note;
    const result = await summariseForCrm(this.options.model, input, this.options.agency, { leadId: lead.id });
    return result.object.note;
  }
}

function splitName(name: string): Properties {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { firstname: name.trim() };
  return { firstname: parts.slice(0, -1).join(' '), lastname: parts.at(-1)! };
}
