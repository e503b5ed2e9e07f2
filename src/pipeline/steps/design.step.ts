import { designSolution, DESIGN_SOLUTION_AGENT } from '../../agents/design-solution.agent.js';
import { nextRevision } from '../../services/next-revision.js';
import { LeadStatus } from '../../entities/enums.js';
import { SolutionDesign } from '../../entities/solution-design.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { DraftStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLeadWithInputs, StaleStepError } from '../step-runner.js';
import { stepKey } from '../step-memo.js';
import type { RequirementsOutput } from './requirements.step.js';

/**
 * The solution architect (tree of thoughts): the alternatives weighed are stored with the chosen
 * design, which becomes the lead's next design revision.
 */
export async function designStep(context: PipelineContext, payload: DraftStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'design');
  const current = await currentLeadWithInputs(context, payload, [LeadStatus.IN_PROGRESS], key, { latest: ['requirements'] });
  if (!current) return;
  const { lead, inputs } = current;
  const requirements = inputs.latest<RequirementsOutput>('requirements');
  if (!requirements) throw new Error(`lead ${lead.id} has no requirements to design from`);
  const { model, promptVersion } = await context.models.forAgent(DESIGN_SOLUTION_AGENT.agent, lead.id);
  const { object: design } = await designSolution(model, { language: lead.language, budget: lead.budget, requirements: requirements.requirements }, context.agency, {
    leadId: lead.id,
    promptVersion,
    signal,
  });
  const chosen = design.alternatives.find((alternative) => alternative.id === design.chosenAlternativeId);
  if (!chosen) throw new StaleStepError('the chosen alternative is missing');
  await applyStep(context, { payload, key, step: 'design', output: design }, async (tx) => {
    const next = await nextRevision(tx, 'solution_designs', lead.id);
    const row = await tx.getRepository(SolutionDesign).save(
      tx.getRepository(SolutionDesign).create({
        leadId: lead.id,
        revision: next,
        summary: design.summary,
        components: chosen.componentIds,
        stack: design.stack,
        workPackages: [],
        risks: design.risks,
        assumptions: design.assumptions,
        alternatives: design.alternatives.map((alternative) => ({ ...alternative, chosen: alternative.id === chosen.id })),
        confidence: design.confidence,
      }),
    );
    await activity(tx, lead.id, 'design.created', { designId: row.id, revision: next, chosen: chosen.id, alternatives: design.alternatives.length, confidence: design.confidence }, `agent:${DESIGN_SOLUTION_AGENT.agent}`);
    await context.queue.enqueue('proposal-estimate', { ...payload, designId: row.id }, { manager: tx, onceKey: stepKey(payload.generation, 'estimate', row.id) });
    await context.events.leadChanged(lead.id, tx);
  });
}
