import { reviewProposal, REVIEW_PROPOSAL_AGENT, type Review } from '../../agents/review-proposal.agent.js';
import { LeadStatus, ProposalStatus } from '../../entities/enums.js';
import { Proposal } from '../../entities/proposal.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { ProposalStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead, moveLead, StaleStepError } from '../step-runner.js';
import { stepKey } from '../step-memo.js';
import { decideAfterReview } from './routing.js';
import type { ProposalBasis } from './write.step.js';

/** The review notes on a proposal: every round, and whether it reached a person with rounds exhausted. */
export interface ReviewNotes {
  rounds: (Pick<Review, 'score' | 'passed' | 'findings' | 'steps'> & { round: number; route: string; reason: string })[];
  escalated: boolean;
  /** From a rejection: the approver's feedback and what the reviser did with it. */
  feedback?: { text: string; applied: string[]; notApplied: string[] };
}

/** The reviewer's subject, from the revision and the basis it was written from. */
export function reviewSubjectOf(proposal: Proposal) {
  const basis = proposal.basis as ProposalBasis;
  return { language: proposal.language, title: proposal.title, body: proposal.body, requirements: basis.requirements, price: basis.price, workPackages: basis.workPackages, timeline: basis.timeline };
}

/**
 * The reviewer (ReAct) and then the orchestrator: to the approvers when it passes, back to the
 * reviser while rounds remain, or to the approvers flagged (escalated) when they are used up.
 */
export async function reviewStep(context: PipelineContext, payload: ProposalStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'review', payload.proposalId, payload.round);
  const lead = await currentLead(context, payload, [LeadStatus.IN_PROGRESS], key);
  if (!lead) return;
  const proposal = await context.dataSource.getRepository(Proposal).findOneBy({ id: payload.proposalId });
  if (!proposal || proposal.status !== ProposalStatus.IN_REVIEW || !proposal.basis) return;
  const { model, promptVersion } = await context.models.forAgent(REVIEW_PROPOSAL_AGENT.agent, lead.id);
  const { object: review } = await reviewProposal(model, reviewSubjectOf(proposal), context.agency, { leadId: lead.id, promptVersion, signal });
  const maxRounds = context.agency.review?.maxRounds ?? 2;
  const blockingFindings = review.findings.filter((finding) => finding.severity === 'blocking').length;
  const decision = await decideAfterReview(context, lead.id, { score: review.score, passed: review.passed, blockingFindings }, payload.round, maxRounds, signal);
  const earlier = (proposal.reviewNotes as ReviewNotes | null) ?? { rounds: [], escalated: false };
  const notes: ReviewNotes = {
    ...earlier,
    rounds: [...earlier.rounds, { round: payload.round, score: review.score, passed: review.passed, findings: review.findings, steps: review.steps, route: decision.route, reason: decision.reason }],
    escalated: decision.route === 'escalate',
  };
  const toApprovers = decision.route !== 'revise';
  await applyStep(context, { payload, key, step: 'review', output: { review, decision } }, async (tx) => {
    const updated = await tx
      .createQueryBuilder()
      .update(Proposal)
      .set({ reviewScore: review.score, reviewNotes: notes, ...(toApprovers ? { status: ProposalStatus.PENDING_APPROVAL } : {}), version: () => 'version + 1' })
      .where('id = :id AND status = :status', { id: proposal.id, status: ProposalStatus.IN_REVIEW })
      .execute();
    if (updated.affected !== 1) throw new StaleStepError(`proposal ${proposal.id} is no longer IN_REVIEW`);
    await activity(tx, lead.id, 'proposal.reviewed', { proposalId: proposal.id, round: payload.round, score: review.score, passed: review.passed, route: decision.route }, `agent:${REVIEW_PROPOSAL_AGENT.agent}`);
    if (toApprovers) {
      await moveLead(tx, lead.id, [LeadStatus.IN_PROGRESS], LeadStatus.AWAITING_APPROVAL);
      await activity(tx, lead.id, 'proposal.pending_approval', { proposalId: proposal.id, revision: proposal.revision, escalated: notes.escalated }, 'agent:orchestrator');
      await context.events.proposalChanged(proposal.id, ProposalStatus.PENDING_APPROVAL, tx);
      await context.events.leadChanged(lead.id, tx);
    } else {
      await context.queue.enqueue('proposal-revise', payload, { manager: tx, onceKey: stepKey(payload.generation, 'revise', proposal.id, payload.round) });
    }
  });
}
