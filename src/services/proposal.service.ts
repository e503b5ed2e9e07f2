import type { DataSource, EntityManager } from 'typeorm';
import { nextRevision } from './next-revision.js';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { DecisionChannel, DecisionKind, Language, PricingModel, ProposalOutcome, ProposalStatus } from '../entities/enums.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { Proposal, type LineItem } from '../entities/proposal.entity.js';
import { AppError, badUserInput, notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { DomainEvents } from './domain-events.js';
import { leadStatusForOutcome, LEAD_TRANSITIONS } from './lead-status.js';
import { decodeCursor, encodeCursor, pageSize, type Connection } from './pagination.js';
import { EDITABLE_PROPOSAL_STATUSES, PROPOSAL_TRANSITIONS, statusForOutcome } from './proposal-status.js';
import { conflict, sourcesOf, transition } from './status-machine.js';

export const PROPOSAL_LIMITS = { title: 300, body: 100_000, lineItems: 200, lineItemDescription: 1_000, feedback: 5_000, comment: 5_000, onBehalfOf: 200, amount: 1_000_000_000 } as const;

const money = z.number().min(0, 'must be 0 or more').max(PROPOSAL_LIMITS.amount, `at most ${PROPOSAL_LIMITS.amount}`);

export const lineItemSchema = z.object({
  description: z.string().trim().min(1, 'a description is required').max(PROPOSAL_LIMITS.lineItemDescription, `at most ${PROPOSAL_LIMITS.lineItemDescription} characters`),
  days: z.number().min(0, 'must be 0 or more').nullish().transform((value) => value ?? null),
  rate: money.nullish().transform((value) => value ?? null),
  amount: money,
});

export const editProposalSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(PROPOSAL_LIMITS.title, `at most ${PROPOSAL_LIMITS.title} characters`).nullish(),
    body: z.string().trim().min(1, 'must not be empty').max(PROPOSAL_LIMITS.body, `at most ${PROPOSAL_LIMITS.body} characters`).nullish(),
    lineItems: z.array(lineItemSchema).min(1, 'at least one line item').max(PROPOSAL_LIMITS.lineItems, `at most ${PROPOSAL_LIMITS.lineItems} line items`).nullish(),
    total: money.nullish(),
    validUntil: z.date().nullish(),
  })
  .refine((input) => Object.values(input).some((value) => value !== null && value !== undefined), 'change at least one field');

export type EditProposalFields = z.input<typeof editProposalSchema>;

const feedbackSchema = z.string().trim().min(1, 'feedback is required: say what to change').max(PROPOSAL_LIMITS.feedback, `at most ${PROPOSAL_LIMITS.feedback} characters`);
const commentSchema = z.string().trim().max(PROPOSAL_LIMITS.comment, `at most ${PROPOSAL_LIMITS.comment} characters`).nullish();
const onBehalfOfSchema = z.string().trim().min(1, 'must not be empty').max(PROPOSAL_LIMITS.onBehalfOf, `at most ${PROPOSAL_LIMITS.onBehalfOf} characters`).regex(/^[\w.@:+-]+$/, 'expected an id such as slack:U123').nullish();

/** Who decides: the caller, or the person a delegate key speaks for. */
export interface Decider {
  principal: Principal;
  onBehalfOf?: string | null;
  /** The dashboard made the call (see isDashboardCall): the decision's channel is DASHBOARD. */
  via?: 'dashboard' | undefined;
}

/** Hooks run inside the transaction that rejects a proposal (the agents issue enqueues the next revision here). */
export type ProposalRejectedHook = (proposal: Proposal, feedback: string, manager: EntityManager) => Promise<void>;
/** Runs inside the transaction that approves a proposal: the e-mail that sends it is written here, or the approval does not commit. */
export type ProposalApprovedHook = (proposal: Proposal, manager: EntityManager) => Promise<void>;
/** Runs inside the outcome's transaction: what it enqueues exists exactly when the outcome commits. */
export type ProposalOutcomeHook = (proposal: Proposal, outcome: ProposalOutcome, manager: EntityManager) => Promise<void>;

export interface DraftFields {
  title?: string;
  body?: string;
  lineItems?: LineItem[];
  total?: number;
  language?: Language;
  pricingModel?: PricingModel;
  validUntil?: string | null;
}

export class ProposalService {
  private readonly approvedHooks: ProposalApprovedHook[] = [];
  private readonly rejectedHooks: ProposalRejectedHook[] = [];
  private readonly outcomeHooks: ProposalOutcomeHook[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  onProposalApproved(hook: ProposalApprovedHook): void {
    this.approvedHooks.push(hook);
  }

  onProposalRejected(hook: ProposalRejectedHook): void {
    this.rejectedHooks.push(hook);
  }

  onProposalOutcome(hook: ProposalOutcomeHook): void {
    this.outcomeHooks.push(hook);
  }

  findById(id: string): Promise<Proposal | null> {
    if (!z.uuid().safeParse(id).success) return Promise.resolve(null);
    return this.dataSource.getRepository(Proposal).findOneBy({ id });
  }

  /** Newest first, ties broken by id, like leads. */
  async list(args: { first?: number | null; after?: string | null; status?: ProposalStatus | null }): Promise<Connection<Proposal>> {
    const limit = pageSize(args.first);
    const query = this.dataSource.getRepository(Proposal).createQueryBuilder('proposal');
    if (args.status) query.andWhere('proposal.status = :status', { status: args.status });
    const totalCount = await query.clone().getCount();
    if (args.after) {
      query.andWhere('(proposal.created_at, proposal.id) < (SELECT created_at, id FROM proposals WHERE id = :afterId)', { afterId: decodeCursor(args.after) });
    }
    const rows = await query.orderBy('proposal.created_at', 'DESC').addOrderBy('proposal.id', 'DESC').take(limit + 1).getMany();
    const nodes = rows.slice(0, limit);
    return {
      edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null },
      totalCount,
    };
  }

  /** Waiting for a person, oldest first: the one waiting longest is decided first. */
  approvalQueue(): Promise<Proposal[]> {
    return this.dataSource.getRepository(Proposal).find({
      where: { status: ProposalStatus.PENDING_APPROVAL },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async approve(id: string, comment: string | null | undefined, decider: Decider): Promise<Proposal> {
    const parsedComment = parseArg(commentSchema, comment, 'comment') ?? null;
    const who = resolveDecider(decider);
    return this.decide(id, ProposalStatus.APPROVED, 'approved', who, async (proposal, manager) => {
      await manager.getRepository(ApprovalDecision).insert({
        proposalId: proposal.id,
        decision: DecisionKind.APPROVED,
        feedback: parsedComment || null,
        decidedBy: who.actor,
        channel: who.channel,
      });
      for (const hook of this.approvedHooks) await hook(proposal, manager);
      return { comment: parsedComment || null };
    });
  }

  async reject(id: string, feedback: string, decider: Decider): Promise<Proposal> {
    const parsedFeedback = parseArg(feedbackSchema, feedback, 'feedback');
    const who = resolveDecider(decider);
    return this.decide(id, ProposalStatus.REJECTED, 'rejected', who, async (proposal, manager) => {
      await manager.getRepository(ApprovalDecision).insert({
        proposalId: proposal.id,
        decision: DecisionKind.REJECTED,
        feedback: parsedFeedback,
        decidedBy: who.actor,
        channel: who.channel,
      });
      for (const hook of this.rejectedHooks) await hook(proposal, parsedFeedback, manager);
      return { feedback: parsedFeedback };
    });
  }

  /**
   * Nobody decided in time: PENDING_APPROVAL becomes APPROVAL_EXPIRED (never approval). Returns
   * null when the revision had already left PENDING_APPROVAL (decided meanwhile): the decision wins.
   */
  async expireApproval(id: string, actor = 'system'): Promise<Proposal | null> {
    const proposal = await this.mustFind(id);
    if (proposal.status !== ProposalStatus.PENDING_APPROVAL) return null;
    const to = ProposalStatus.APPROVAL_EXPIRED;
    const result = await this.dataSource
      .transaction(async (manager) => {
        await transition(manager, { table: 'proposals', thing: 'Proposal', id, version: proposal.version, from: sourcesOf(PROPOSAL_TRANSITIONS, to), to, action: 'expired' });
        await manager.getRepository(LeadActivity).insert({
          leadId: proposal.leadId,
          type: `proposal.${to}`,
          data: { proposalId: id, revision: proposal.revision, pendingSince: proposal.updatedAt.toISOString(), at: this.clock.now().toISOString() },
          actor,
        });
        const expired = await manager.getRepository(Proposal).findOneByOrFail({ id });
        await this.announce(expired, manager);
        return expired;
      })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'CONFLICT') return null;
        throw error;
      });
    return result;
  }

  /** The customer's answer to a sent proposal; the lead is won or lost with it. */
  async recordOutcome(id: string, outcome: ProposalOutcome, actor: string): Promise<Proposal> {
    const proposal = await this.mustFind(id);
    const to = statusForOutcome(outcome);
    const leadTo = leadStatusForOutcome(outcome);
    const result = await this.dataSource.transaction(async (manager) => {
      await transition(manager, { table: 'proposals', thing: 'Proposal', id, version: proposal.version, from: [ProposalStatus.SENT], to, action: `marked ${to.toUpperCase()}` });
      const lead = await manager.getRepository(Lead).findOneByOrFail({ id: proposal.leadId });
      await transition(manager, { table: 'leads', thing: 'Lead', id: lead.id, version: lead.version, from: sourcesOf(LEAD_TRANSITIONS, leadTo), to: leadTo, action: `marked ${leadTo.toUpperCase()}` });
      await manager.getRepository(LeadActivity).insert([
        { leadId: lead.id, type: `proposal.${to}`, data: { proposalId: id, revision: proposal.revision, from: proposal.status, to }, actor },
        { leadId: lead.id, type: 'status.changed', data: { from: lead.status, to: leadTo }, actor },
      ]);
      const updated = await manager.getRepository(Proposal).findOneByOrFail({ id });
      for (const hook of this.outcomeHooks) await hook(updated, outcome, manager);
      await this.announce(updated, manager);
      return updated;
    });
    return result;
  }

  /**
   * A human revision: the edits become revision n+1, waiting for approval, and the edited one is
   * superseded, in one transaction. An approved or sent revision is history and is not edited.
   */
  async edit(id: string, input: EditProposalFields, actor: string): Promise<Proposal> {
    const parsed = editProposalSchema.safeParse(input);
    if (!parsed.success) throw badUserInput(parsed.error, ['input']);
    const edits = parsed.data;
    const proposal = await this.mustFind(id);
    if (!EDITABLE_PROPOSAL_STATUSES.includes(proposal.status)) throw conflict('Proposal', id, proposal.status, 'edited');
    const lineItems = edits.lineItems ?? proposal.lineItems;
    const total = edits.lineItems ? roundMoney(edits.lineItems.reduce((sum, item) => sum + item.amount, 0)) : (edits.total ?? proposal.total);
    if (edits.lineItems && edits.total != null && roundMoney(edits.total) !== total) {
      throw new AppError('BAD_USER_INPUT', `input.total: ${edits.total} does not match the line items, which add up to ${total}; leave total out to use their sum.`, { field: 'input.total' });
    }
    const created = await this.dataSource.transaction(async (manager) => {
      await transition(manager, { table: 'proposals', thing: 'Proposal', id, version: proposal.version, from: EDITABLE_PROPOSAL_STATUSES, to: ProposalStatus.SUPERSEDED, action: 'edited' });
      const next = await nextRevision(manager, 'proposals', proposal.leadId);
      const repository = manager.getRepository(Proposal);
      const revision = await repository.save(
        repository.create({
          leadId: proposal.leadId,
          solutionDesignId: proposal.solutionDesignId,
          revision: next,
          language: proposal.language,
          title: edits.title ?? proposal.title,
          body: edits.body ?? proposal.body,
          lineItems,
          total,
          currency: proposal.currency,
          pricingModel: proposal.pricingModel,
          validUntil: edits.validUntil ? edits.validUntil.toISOString().slice(0, 10) : proposal.validUntil,
          status: ProposalStatus.PENDING_APPROVAL,
          promptVersion: null,
        }),
      );
      await manager.getRepository(LeadActivity).insert({
        leadId: proposal.leadId,
        type: 'proposal.edited',
        data: { proposalId: revision.id, revision: next, supersedes: id, fields: Object.keys(edits).filter((key) => edits[key as keyof typeof edits] != null) },
        actor,
      });
      await this.events.proposalChanged(id, ProposalStatus.SUPERSEDED, manager);
      await this.announce(revision, manager);
      return revision;
    });
    return created;
  }

  /**
   * Creates a proposal directly, for tests and fixtures, until the agents issue writes them
   * through the pipeline. Not exposed over GraphQL.
   */
  async createDraft(leadId: string, fields: DraftFields = {}, status: ProposalStatus = ProposalStatus.PENDING_APPROVAL): Promise<Proposal> {
    return this.dataSource.transaction(async (manager) => {
      const next = await nextRevision(manager, 'proposals', leadId);
      const lineItems = fields.lineItems ?? [{ description: 'Discovery workshop', days: 2, rate: 1000, amount: 2000 }];
      const repository = manager.getRepository(Proposal);
      const proposal = await repository.save(
        repository.create({
          leadId,
          revision: next,
          language: fields.language ?? Language.EN,
          title: fields.title ?? 'Proposal',
          body: fields.body ?? 'We propose to build it.',
          lineItems,
          total: fields.total ?? lineItems.reduce((sum, item) => sum + item.amount, 0),
          pricingModel: fields.pricingModel ?? PricingModel.FIXED_PRICE,
          validUntil: fields.validUntil ?? null,
          status,
        }),
      );
      await manager.getRepository(LeadActivity).insert({ leadId, type: 'proposal.created', data: { proposalId: proposal.id, revision: next, status }, actor: 'system' });
      return proposal;
    });
  }

  private async decide(
    id: string,
    to: ProposalStatus.APPROVED | ProposalStatus.REJECTED,
    action: string,
    who: ResolvedDecider,
    record: (proposal: Proposal, manager: EntityManager) => Promise<Record<string, unknown>>,
  ): Promise<Proposal> {
    const proposal = await this.mustFind(id);
    const from = sourcesOf(PROPOSAL_TRANSITIONS, to);
    if (!from.includes(proposal.status)) throw conflict('Proposal', id, proposal.status, action);
    const result = await this.dataSource.transaction(async (manager) => {
      await transition(manager, { table: 'proposals', thing: 'Proposal', id, version: proposal.version, from, to, action });
      const data = await record(proposal, manager);
      await manager.getRepository(LeadActivity).insert({
        leadId: proposal.leadId,
        type: `proposal.${to}`,
        data: { proposalId: id, revision: proposal.revision, channel: who.channel, ...data },
        actor: who.actor,
      });
      const decided = await manager.getRepository(Proposal).findOneByOrFail({ id });
      await this.announce(decided, manager);
      return decided;
    }).catch(async (error: unknown) => {
      // The unique index on approval_decisions(proposal_id) is the last line of defence.
      if (isUniqueViolation(error)) throw conflict('Proposal', id, (await this.findById(id))?.status ?? 'unknown', action);
      throw error;
    });
    return result;
  }

  /** The revision and its lead changed: sent by the transaction that changed them. */
  private async announce(proposal: Proposal, manager: EntityManager): Promise<void> {
    await this.events.proposalChanged(proposal.id, proposal.status, manager);
    await this.events.leadChanged(proposal.leadId, manager);
  }

  private async mustFind(id: string): Promise<Proposal> {
    const proposal = await this.findById(id);
    if (!proposal) throw notFound('proposal', id);
    return proposal;
  }
}

export interface ResolvedDecider {
  actor: string;
  channel: DecisionChannel;
}

/** Only a delegate key may speak for someone else; the channel follows from whom it speaks for. */
export function resolveDecider({ principal, onBehalfOf, via }: Decider): ResolvedDecider {
  const person = parseArg(onBehalfOfSchema, onBehalfOf, 'onBehalfOf');
  if (!person) return { actor: actorOf(principal), channel: via === 'dashboard' ? DecisionChannel.DASHBOARD : DecisionChannel.GRAPHQL };
  if (!principal.delegate) {
    throw new AppError('FORBIDDEN', 'onBehalfOf needs a delegate key (created with --delegate); decide with your own key instead.', { field: 'onBehalfOf' });
  }
  const channel = person.startsWith('slack:') ? DecisionChannel.SLACK : person.startsWith('dashboard:') ? DecisionChannel.DASHBOARD : DecisionChannel.GRAPHQL;
  return { actor: person, channel };
}

export function parseArg<T extends z.ZodType>(schema: T, value: unknown, field: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badUserInput(parsed.error, [field]);
  return parsed.data;
}

const roundMoney = (value: number) => Math.round(value * 100) / 100;

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
