import { qualifyLead, QUALIFY_LEAD_AGENT } from '../../agents/qualify-lead.agent.js';
import { LeadStatus, Priority } from '../../entities/enums.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { LeadStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLeadWithInputs, moveLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';
import { decideAfterQualification } from './routing.js';
import type { EnrichOutput } from './enrich.step.js';
import type { IntakeOutput } from './intake.step.js';

const PRIORITY: Record<'HIGH' | 'MEDIUM' | 'LOW', Priority> = { HIGH: Priority.HIGH, MEDIUM: Priority.MEDIUM, LOW: Priority.LOW };

/**
 * Qualification, then the orchestrator's route: propose (IN_PROGRESS, requirements next),
 * decline (DISQUALIFIED) or discard (SPAM). Every route but discard gets the first reply.
 */
export async function qualifyStep(context: PipelineContext, payload: LeadStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'qualify');
  const current = await currentLeadWithInputs(context, payload, [LeadStatus.QUALIFYING], key, { latest: ['intake', 'enrich'] });
  if (!current) return;
  const { lead, inputs } = current;
  const intake = inputs.latest<IntakeOutput>('intake');
  const enrichment = inputs.latest<EnrichOutput>('enrich');

  const { model, promptVersion } = await context.models.forAgent(QUALIFY_LEAD_AGENT.agent, lead.id);
  const { object: qualification } = await qualifyLead(
    { name: lead.name, email: lead.email, company: lead.company, message: lead.message, budget: lead.budget, timeline: lead.timeline, language: lead.language },
    { model, agency: context.agency, leadId: lead.id, promptVersion, signal },
  );
  const route = await decideAfterQualification(context, lead.id, qualification, intake, signal);
  // The stored next action follows the route, so the reply and the pipeline agree.
  const nextAction =
    route.route === 'discard' ? 'discard' : route.route === 'decline' ? 'decline_politely' : qualification.nextAction === 'request_details' ? 'request_details' : 'prepare_proposal';
  const status = route.route === 'propose' ? LeadStatus.IN_PROGRESS : route.route === 'decline' ? LeadStatus.DISQUALIFIED : LeadStatus.SPAM;
  const scoreDetails = {
    category: qualification.category,
    qualified: qualification.qualified,
    reasons: qualification.reasons,
    reasoning: qualification.reasoning,
    matchedServices: qualification.matchedServices,
    route: route.route,
    routeReason: route.reason,
    spamSignals: intake?.spam.signals ?? [],
    enrichment: enrichment ? { industry: enrichment.industry, size: enrichment.size, country: enrichment.country } : null,
  };

  await applyStep(context, { payload, key, step: 'qualify', output: { qualification, route } }, async (tx) => {
    await moveLead(tx, lead.id, [LeadStatus.QUALIFYING], status, {
      fit_score: qualification.fitScore,
      priority: PRIORITY[qualification.priority],
      next_action: nextAction,
      score_details: JSON.stringify(scoreDetails),
      qualification_date: context.clock.now(),
    });
    await activity(tx, lead.id, 'lead.qualified', { status, fitScore: qualification.fitScore, priority: qualification.priority, category: qualification.category, route: route.route }, `agent:${QUALIFY_LEAD_AGENT.agent}`);
    if (route.route !== 'discard') await context.queue.enqueue('lead-respond', payload, { manager: tx, onceKey: stepKey(payload.generation, 'respond', lead.id) });
    if (route.route === 'propose') await context.queue.enqueue('lead-requirements', payload, { manager: tx, onceKey: stepKey(payload.generation, 'requirements', lead.id) });
    await context.events.leadChanged(lead.id, tx);
  });
}
