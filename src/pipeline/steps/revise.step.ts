import { reviseProposal, REVISE_PROPOSAL_AGENT, type ReviseProposalInput, type Revision } from '../../agents/revise-proposal.agent.js';
import { nextRevision } from '../../services/next-revision.js';
import type { Review } from '../../agents/review-proposal.agent.js';
import { ApprovalDecision } from '../../entities/approval-decision.entity.js';
import { LeadStatus, ProposalStatus } from '../../entities/enums.js';
import type { Lead } from '../../entities/lead.entity.js';
import { Proposal } from '../../entities/proposal.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { ProposalStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead, StaleStepError } from '../step-runner.js';
import { stepKey, stepOutput } from '../step-memo.js';
import { priceColumns } from './proposal-line-items.js';
import type { ReviewNotes } from './review.step.js';
import type { ProposalBasis } from './write.step.js';
import { WRITE_PROPOSAL_AGENT } from '../../agents/write-proposal.agent.js';

/** The reviser's input: the revision as it stands, the basis it was written from, and the feedback. */
function revisionInput(lead: Lead, proposal: Proposal, feedback: ReviseProposalInput['feedback']): ReviseProposalInput {
  const basis = proposal.basis as ProposalBasis;
  return {
    ...basis,
    message: lead.message,
    proposal: { title: proposal.title, body: proposal.body, lineItems: basis.price.lineItems, total: proposal.total, pricingModel: basis.price.pricingModel, validUntil: proposal.validUntil },
    feedback,
  };
}

/** What a revised revision's row holds, from the reviser's result. */
function revisedFields(revision: Revision, language: string) {
  const { message: _message, ...basis } = revision.writerInput;
  return {
    title: revision.title,
    body: revision.body,
    ...priceColumns(revision.price, language),
    basis: basis satisfies ProposalBasis,
  };
}

/** The reviewer sent the revision back: the reviser applies its findings in place, and it is reviewed again. */
export async function reviseStep(context: PipelineContext, payload: ProposalStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'revise', payload.proposalId, payload.round);
  const lead = await currentLead(context, payload, [LeadStatus.IN_PROGRESS], key);
  if (!lead) return;
  const proposal = await context.dataSource.getRepository(Proposal).findOneBy({ id: payload.proposalId });
  if (!proposal || proposal.status !== ProposalStatus.IN_REVIEW || !proposal.basis) return;
  const reviewed = await stepOutput<{ review: Review }>(context.dataSource.manager, lead.id, stepKey(payload.generation, 'review', proposal.id, payload.round));
  if (!reviewed) throw new Error(`no review of round ${payload.round} for proposal ${proposal.id}`);
  const { model, promptVersion } = await context.models.forAgent(REVISE_PROPOSAL_AGENT.agent, lead.id);
  const writer = await context.models.forAgent(WRITE_PROPOSAL_AGENT.agent, lead.id);
  const { object: revision } = await reviseProposal(model, revisionInput(lead, proposal, { source: 'reviewer', findings: reviewed.review.findings }), context.agency, {
    leadId: lead.id,
    promptVersion,
    signal,
    writer,
  });
  const next = { ...payload, round: payload.round + 1 };
  await applyStep(context, { payload, key, step: 'revise', output: { applied: revision.applied, notApplied: revision.notApplied } }, async (tx) => {
    const updated = await tx
      .createQueryBuilder()
      .update(Proposal)
      .set({ ...revisedFields(revision, proposal.language), version: () => 'version + 1' })
      .where('id = :id AND status = :status', { id: proposal.id, status: ProposalStatus.IN_REVIEW })
      .execute();
    if (updated.affected !== 1) throw new StaleStepError(`proposal ${proposal.id} is no longer IN_REVIEW`);
    await activity(tx, lead.id, 'proposal.revised', { proposalId: proposal.id, round: payload.round, applied: revision.applied, notApplied: revision.notApplied }, `agent:${REVISE_PROPOSAL_AGENT.agent}`);
    await context.queue.enqueue('proposal-review', next, { manager: tx, onceKey: stepKey(payload.generation, 'review', proposal.id, next.round) });
  });
}

/**
 * An approver rejected the revision: the reviser applies the feedback (price, scope, timeline; what
 * it cannot apply is listed for the approver), the result becomes the next revision, IN_REVIEW,
 * and the rejected one is SUPERSEDED.
 */
export async function reworkStep(context: PipelineContext, payload: ProposalStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'rework', payload.proposalId);
  const lead = await currentLead(context, payload, [LeadStatus.IN_PROGRESS], key);
  if (!lead) return;
  const rejected = await context.dataSource.getRepository(Proposal).findOneBy({ id: payload.proposalId });
  if (!rejected || rejected.status !== ProposalStatus.REJECTED || !rejected.basis) return;
  const decision = await context.dataSource.getRepository(ApprovalDecision).findOneBy({ proposalId: rejected.id });
  const feedback = decision?.feedback?.trim() || 'Rejected without feedback.';
  const { model, promptVersion } = await context.models.forAgent(REVISE_PROPOSAL_AGENT.agent, lead.id);
  const writer = await context.models.forAgent(WRITE_PROPOSAL_AGENT.agent, lead.id);
  const { object: revision } = await reviseProposal(model, revisionInput(lead, rejected, { source: 'approver', text: feedback }), context.agency, {
    leadId: lead.id,
    promptVersion,
    signal,
    writer,
  });
  const notes: ReviewNotes = { rounds: [], escalated: false, feedback: { text: feedback, applied: revision.applied, notApplied: revision.notApplied } };
  await applyStep(context, { payload, key, step: 'rework', output: { applied: revision.applied, notApplied: revision.notApplied } }, async (tx) => {
    const superseded = await tx
      .createQueryBuilder()
      .update(Proposal)
      .set({ status: ProposalStatus.SUPERSEDED, version: () => 'version + 1' })
      .where('id = :id AND status = :status', { id: rejected.id, status: ProposalStatus.REJECTED })
      .execute();
    if (superseded.affected !== 1) throw new StaleStepError(`proposal ${rejected.id} is no longer REJECTED`);
    const next = await nextRevision(tx, 'proposals', lead.id);
    const repository = tx.getRepository(Proposal);
    const created = await repository.save(
      repository.create({
        ...revisedFields(revision, rejected.language),
        leadId: lead.id,
        solutionDesignId: rejected.solutionDesignId,
        revision: next,
        language: rejected.language,
        currency: rejected.currency,
        validUntil: revision.writerInput.validUntil ?? rejected.validUntil,
        status: ProposalStatus.IN_REVIEW,
        reviewNotes: notes,
        // The text is the writer's: its version is the one an experiment compares.
        promptVersion: writer.promptVersion ?? null,
      }),
    );
    await activity(tx, lead.id, 'proposal.reworked', { proposalId: created.id, revision: next, supersedes: rejected.id, applied: revision.applied, notApplied: revision.notApplied }, `agent:${REVISE_PROPOSAL_AGENT.agent}`);
    await context.queue.enqueue('proposal-review', { leadId: lead.id, generation: payload.generation, proposalId: created.id, round: 1 }, { manager: tx, onceKey: stepKey(payload.generation, 'review', created.id, 1) });
    await context.events.proposalChanged(rejected.id, ProposalStatus.SUPERSEDED, tx);
    await context.events.proposalChanged(created.id, ProposalStatus.IN_REVIEW, tx);
  });
}
