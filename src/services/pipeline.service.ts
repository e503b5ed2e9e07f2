import type { DataSource, EntityManager } from 'typeorm';
import { nextRevision } from './next-revision.js';
import { returnedRows } from '../database/query-rows.js';
import { LeadStatus, PricingModel, ProposalOutcome, ProposalStatus } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { notFound } from '../errors.js';
import type { JobQueue } from '../pipeline/job-queue.js';
import type { PipelinePayloads, PipelineStep } from '../pipeline/pipeline-jobs.js';
import { stepKey, stepOutput } from '../pipeline/step-memo.js';
import type { DomainEvents } from './domain-events.js';
import { LEAD_TRANSITIONS } from './lead-status.js';
import type { LeadService } from './lead.service.js';
import type { ProposalService } from './proposal.service.js';
import { conflict, sourcesOf, transition } from './status-machine.js';

export type StepQueue = Pick<JobQueue<PipelinePayloads>, 'enqueue'>;

/** Steps that run while the lead is QUALIFYING; the rest run IN_PROGRESS. */
const QUALIFYING_STEPS: readonly PipelineStep[] = ['lead-intake', 'lead-enrich', 'lead-qualify'];

/** Proposals a regeneration replaces: anything not yet decided for good. */
const REPLACEABLE: readonly ProposalStatus[] = [ProposalStatus.DRAFT, ProposalStatus.IN_REVIEW, ProposalStatus.PENDING_APPROVAL, ProposalStatus.REJECTED, ProposalStatus.APPROVAL_EXPIRED];

/**
 * Starts and restarts the agents' pipeline. Every start is a job enqueued in the transaction of
 * the change that asks for it; every restart begins a new pipeline generation, so jobs still
 * queued for the old one find themselves stale and do nothing.
 */
export class PipelineService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly queue: StepQueue,
  ) {}

  /** Hooks the pipeline into capture, rejection and outcome: each enqueues inside their transaction. */
  attach(leads: LeadService, proposals: ProposalService): void {
    leads.onLeadCreated(async (lead, manager) => {
      await this.queue.enqueue('lead-intake', { leadId: lead.id, generation: lead.pipelineGeneration }, { manager, onceKey: stepKey(lead.pipelineGeneration, 'intake', lead.id) });
    });
    proposals.onProposalRejected(async (proposal, _feedback, manager) => {
      // The feedback stays in approval_decisions; the job carries ids only.
      const generation = await this.nextGeneration(manager, proposal.leadId, [LeadStatus.AWAITING_APPROVAL], LeadStatus.IN_PROGRESS);
      if (generation === null) return;
      await this.queue.enqueue('proposal-rework', { leadId: proposal.leadId, generation, proposalId: proposal.id, round: 1 }, { manager, onceKey: stepKey(generation, 'rework', proposal.id) });
    });
    proposals.onProposalOutcome(async (proposal, outcome, manager) => {
      if (outcome !== ProposalOutcome.ACCEPTED) return;
      await this.queue.enqueue('proposal-contract', { proposalId: proposal.id }, { manager, onceKey: `contract:${proposal.id}` });
    });
  }

  /** Qualifies a DISQUALIFIED, SPAM or FAILED lead again, from the qualification step. */
  async requalify(leadId: string, actor: string): Promise<Lead> {
    const lead = await this.mustFind(leadId);
    await this.dataSource.transaction(async (manager) => {
      await transition(manager, { table: 'leads', thing: 'Lead', id: lead.id, version: lead.version, from: sourcesOf(LEAD_TRANSITIONS, LeadStatus.QUALIFYING), to: LeadStatus.QUALIFYING, action: 'requalified' });
      const generation = await this.bumpGeneration(manager, lead.id);
      await manager.getRepository(LeadActivity).insert({ leadId: lead.id, type: 'pipeline.requalify', data: { from: lead.status, generation }, actor });
      await this.queue.enqueue('lead-qualify', { leadId: lead.id, generation }, { manager, onceKey: stepKey(generation, 'qualify', lead.id) });
      await this.events.leadChanged(lead.id, manager);
    });
    return this.reload(lead.id);
  }

  /** Runs a FAILED lead's failed step again (from intake when the failure left no record). */
  async retry(leadId: string, actor: string): Promise<Lead> {
    const lead = await this.mustFind(leadId);
    if (lead.status !== LeadStatus.FAILED) throw conflict('Lead', lead.id, lead.status, 'retried');
    const failure = await stepOutput<{ step: PipelineStep; payload: Record<string, unknown> }>(this.dataSource.manager, lead.id, stepKey(lead.pipelineGeneration, 'failed'));
    const step: PipelineStep = failure?.step ?? 'lead-intake';
    const to = QUALIFYING_STEPS.includes(step) ? LeadStatus.QUALIFYING : LeadStatus.IN_PROGRESS;
    await this.dataSource.transaction(async (manager) => {
      await transition(manager, { table: 'leads', thing: 'Lead', id: lead.id, version: lead.version, from: [LeadStatus.FAILED], to, action: 'retried' });
      const generation = await this.bumpGeneration(manager, lead.id);
      await manager.getRepository(LeadActivity).insert({ leadId: lead.id, type: 'pipeline.retry', data: { step, generation }, actor });
      const payload = { ...(failure?.payload ?? {}), leadId: lead.id, generation } as PipelinePayloads[typeof step];
      await this.queue.enqueue(step, payload, { manager, onceKey: stepKey(generation, 'retry', step, lead.id) });
      await this.events.leadChanged(lead.id, manager);
    });
    return this.reload(lead.id);
  }

  /**
   * Writes the lead's proposal again from the solution design on: whatever is not decided for good
   * is superseded, and the new revision appears at once as a DRAFT that the agents fill in.
   */
  async regenerate(leadId: string, actor: string): Promise<Proposal> {
    const lead = await this.mustFind(leadId);
    const from = [LeadStatus.AWAITING_APPROVAL, LeadStatus.IN_PROGRESS];
    if (!from.includes(lead.status)) throw conflict('Lead', lead.id, lead.status, 'given a regenerated proposal');
    const draft = await this.dataSource.transaction(async (manager) => {
      const moved = (await manager.query(
        `UPDATE leads SET status = $3, version = version + 1, pipeline_generation = pipeline_generation + 1, updated_at = now()
          WHERE id = $1 AND version = $2 RETURNING pipeline_generation`,
        [lead.id, lead.version, LeadStatus.IN_PROGRESS],
      )) as unknown;
      const rows = returnedRows<{ pipeline_generation: number }>(moved);
      if (rows.length !== 1) throw conflict('Lead', lead.id, (await manager.findOneBy(Lead, { id: lead.id }))?.status ?? 'unknown', 'given a regenerated proposal');
      const generation = rows[0]!.pipeline_generation;
      const replaced = (await manager.query(
        `UPDATE proposals SET status = 'superseded', version = version + 1, updated_at = now() WHERE lead_id = $1 AND status = ANY($2::text[]) RETURNING id, title, language, currency, pricing_model`,
        [lead.id, [...REPLACEABLE]],
      )) as unknown;
      const replacedRows = returnedRows<{ id: string }>(replaced);
      const next = await nextRevision(manager, 'proposals', lead.id);
      const repository = manager.getRepository(Proposal);
      const created = await repository.save(
        repository.create({ leadId: lead.id, revision: next, language: lead.language, title: '', body: '', lineItems: [], total: 0, pricingModel: PricingModel.FIXED_PRICE, status: ProposalStatus.DRAFT }),
      );
      await manager.getRepository(LeadActivity).insert({ leadId: lead.id, type: 'pipeline.regenerate', data: { generation, draftId: created.id, revision: next, superseded: replacedRows.map((row) => row.id) }, actor });
      await this.queue.enqueue('proposal-design', { leadId: lead.id, generation, draftId: created.id }, { manager, onceKey: stepKey(generation, 'design', lead.id) });
      for (const row of replacedRows) await this.events.proposalChanged(row.id, ProposalStatus.SUPERSEDED, manager);
      await this.events.proposalChanged(created.id, created.status, manager);
      await this.events.leadChanged(lead.id, manager);
      return created;
    });
    return draft;
  }

  /** Starts the next generation when the lead is in one of `from`, moving it to `to`; null when it is not. */
  private async nextGeneration(manager: EntityManager, leadId: string, from: readonly LeadStatus[], to: LeadStatus): Promise<number | null> {
    const result = (await manager.query(
      `UPDATE leads SET status = $3, version = version + 1, pipeline_generation = pipeline_generation + 1, updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING pipeline_generation`,
      [leadId, [...from], to],
    )) as unknown;
    return returnedRows<{ pipeline_generation: number }>(result)[0]?.pipeline_generation ?? null;
  }

  private async bumpGeneration(manager: EntityManager, leadId: string): Promise<number> {
    const result = (await manager.query(`UPDATE leads SET pipeline_generation = pipeline_generation + 1 WHERE id = $1 RETURNING pipeline_generation`, [leadId])) as unknown;
    return returnedRows<{ pipeline_generation: number }>(result)[0]!.pipeline_generation;
  }

  private async mustFind(leadId: string): Promise<Lead> {
    const lead = /^[0-9a-f-]{36}$/i.test(leadId) ? await this.dataSource.getRepository(Lead).findOneBy({ id: leadId }) : null;
    if (!lead || lead.erasedAt) throw notFound('lead', leadId);
    return lead;
  }

  private reload(leadId: string): Promise<Lead> {
    return this.dataSource.getRepository(Lead).findOneByOrFail({ id: leadId });
  }
}
