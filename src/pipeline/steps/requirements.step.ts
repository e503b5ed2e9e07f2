import { analyseRequirements, ANALYSE_REQUIREMENTS_AGENT, type Requirements } from '../../agents/analyse-requirements.agent.js';
import { LeadStatus } from '../../entities/enums.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { LeadStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';

export type RequirementsOutput = Requirements;

/** The requirements analyst: what the lead needs, tied to the catalogue, and what is still open. */
export async function requirementsStep(context: PipelineContext, payload: LeadStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'requirements');
  const lead = await currentLead(context, payload, [LeadStatus.IN_PROGRESS], key);
  if (!lead) return;
  const { model, promptVersion } = await context.models.forAgent(ANALYSE_REQUIREMENTS_AGENT.agent, lead.id);
  const { object: requirements } = await analyseRequirements(
    model,
    { name: lead.name, company: lead.company, message: lead.message, budget: lead.budget, timeline: lead.timeline, language: lead.language },
    context.agency,
    { leadId: lead.id, promptVersion, signal },
  );
  await applyStep(context, { payload, key, step: 'requirements', output: requirements }, async (tx) => {
    await activity(tx, lead.id, 'requirements.analysed', { requirements: requirements.requirements.length, openQuestions: requirements.openQuestions.length }, `agent:${ANALYSE_REQUIREMENTS_AGENT.agent}`);
    await context.queue.enqueue('proposal-design', payload, { manager: tx, onceKey: stepKey(payload.generation, 'design', lead.id) });
  });
}
