import { priceProposal, PRICE_PROPOSAL_AGENT } from '../../agents/price-proposal.agent.js';
import type { Estimate } from '../../agents/estimate-effort.agent.js';
import { LeadStatus } from '../../entities/enums.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { DesignStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLeadWithInputs } from '../step-runner.js';
import { stepKey } from '../step-memo.js';
import type { RequirementsOutput } from './requirements.step.js';

/** Pricing: the estimate against the rate card, fixed price or time and materials, within the bounds. */
export async function priceStep(context: PipelineContext, payload: DesignStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'price', payload.designId);
  const estimateKey = stepKey(payload.generation, 'estimate', payload.designId);
  const current = await currentLeadWithInputs(context, payload, [LeadStatus.IN_PROGRESS], key, { keys: [estimateKey], latest: ['requirements'] });
  if (!current) return;
  const { lead, inputs } = current;
  const estimate = inputs.byKey<Estimate>(estimateKey);
  const requirements = inputs.latest<RequirementsOutput>('requirements');
  if (!estimate || !requirements) throw new Error(`lead ${lead.id} has no estimate or requirements to price`);
  const { model, promptVersion } = await context.models.forAgent(PRICE_PROPOSAL_AGENT.agent, lead.id);
  const { object: price } = await priceProposal(
    model,
    { language: lead.language, message: lead.message, requirementsClear: requirements.openQuestions.length === 0, workPackages: estimate.workPackages },
    context.agency,
    { leadId: lead.id, promptVersion, signal },
  );
  await applyStep(context, { payload, key, step: 'price', output: price }, async (tx) => {
    await activity(tx, lead.id, 'price.calculated', { designId: payload.designId, total: price.total, currency: price.currency, pricingModel: price.pricingModel }, `agent:${PRICE_PROPOSAL_AGENT.agent}`);
    await context.queue.enqueue('proposal-write', payload, { manager: tx, onceKey: stepKey(payload.generation, 'write', payload.designId) });
  });
}
