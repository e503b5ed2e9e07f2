import { writeProposal, WRITE_PROPOSAL_AGENT, writeProposalInputSchema, type WriteProposalData } from '../../agents/write-proposal.agent.js';
import { nextRevision } from '../../services/next-revision.js';
import type { Estimate } from '../../agents/estimate-effort.agent.js';
import type { PriceProposal } from '../../agents/price-proposal.agent.js';
import type { SolutionDesign as DesignOutput } from '../../agents/design-solution.agent.js';
import { LeadStatus, ProposalStatus } from '../../entities/enums.js';
import { Proposal } from '../../entities/proposal.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { DesignStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLeadWithInputs, StaleStepError } from '../step-runner.js';
import { stepKey } from '../step-memo.js';
import { priceColumns } from './proposal-line-items.js';
import type { RequirementsOutput } from './requirements.step.js';

/** How long a proposal is valid, from the day it is written. */
const VALID_FOR_DAYS = 30;

/** What a proposal revision is written from, kept on it for the reviewer and reviser (the lead's message stays on the lead). */
export type ProposalBasis = Omit<WriteProposalData, 'message'>;

/**
 * The proposal writer: Markdown in the lead's language from the requirements, the chosen design,
 * the estimate and the price. The revision is written IN_REVIEW (or fills the DRAFT a
 * regeneration made) and goes to the reviewer.
 */
export async function writeStep(context: PipelineContext, payload: DesignStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'write', payload.designId);
  const [designKey, estimateKey, priceKey] = [stepKey(payload.generation, 'design'), stepKey(payload.generation, 'estimate', payload.designId), stepKey(payload.generation, 'price', payload.designId)];
  const current = await currentLeadWithInputs(context, payload, [LeadStatus.IN_PROGRESS], key, { keys: [designKey, estimateKey, priceKey], latest: ['requirements'] });
  if (!current) return;
  const { lead, inputs } = current;
  const requirements = inputs.latest<RequirementsOutput>('requirements');
  const design = inputs.byKey<DesignOutput>(designKey);
  const estimate = inputs.byKey<Estimate>(estimateKey);
  const price = inputs.byKey<PriceProposal>(priceKey);
  if (!requirements || !design || !estimate || !price) throw new Error(`lead ${lead.id} lacks the requirements, design, estimate or price to write from`);
  const chosen = design.alternatives.find((alternative) => alternative.id === design.chosenAlternativeId)!;
  const validUntil = new Date(context.clock.now().getTime() + VALID_FOR_DAYS * 86_400_000).toISOString().slice(0, 10);
  const input = writeProposalInputSchema.parse({
    language: lead.language,
    lead: { name: lead.name, company: lead.company },
    message: lead.message,
    requirements: requirements.requirements,
    openQuestions: requirements.openQuestions,
    design: { summary: design.summary, stack: design.stack, risks: design.risks, assumptions: design.assumptions, chosen: { name: chosen.name, description: chosen.description, componentIds: chosen.componentIds } },
    workPackages: estimate.workPackages,
    price,
    validUntil,
  });
  const { model, promptVersion } = await context.models.forAgent(WRITE_PROPOSAL_AGENT.agent, lead.id);
  const { object: written } = await writeProposal(model, input, context.agency, { leadId: lead.id, promptVersion, signal });
  const { message: _message, ...basis } = input;
  const fields = {
    leadId: lead.id,
    solutionDesignId: payload.designId,
    language: lead.language,
    title: written.title,
    body: written.body,
    ...priceColumns(price, lead.language),
    currency: price.currency,
    validUntil,
    status: ProposalStatus.IN_REVIEW,
    promptVersion: promptVersion ?? null,
    basis,
  };
  await applyStep(context, { payload, key, step: 'write', output: { title: written.title } }, async (tx) => {
    const repository = tx.getRepository(Proposal);
    if (payload.draftId) {
      const updated = await tx
        .createQueryBuilder()
        .update(Proposal)
        .set({ ...fields, version: () => 'version + 1' })
        .where('id = :id AND status = :status', { id: payload.draftId, status: ProposalStatus.DRAFT })
        .execute();
      if (updated.affected !== 1) throw new StaleStepError(`draft ${payload.draftId} is no longer a DRAFT`);
    }
    const proposalId = payload.draftId ?? (await repository.save(repository.create({ ...fields, revision: await nextRevision(tx, 'proposals', lead.id) }))).id;
    await activity(tx, lead.id, 'proposal.written', { proposalId, total: price.total, promptVersion: promptVersion ?? null }, `agent:${WRITE_PROPOSAL_AGENT.agent}`);
    await context.queue.enqueue('proposal-review', { leadId: lead.id, generation: payload.generation, proposalId, round: 1 }, { manager: tx, onceKey: stepKey(payload.generation, 'review', proposalId, 1) });
    await context.events.proposalChanged(proposalId, ProposalStatus.IN_REVIEW, tx);
  });
}
