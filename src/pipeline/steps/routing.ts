import { orchestrateLead, ORCHESTRATE_LEAD_AGENT, type OrchestrateLeadInput, type QualificationRoute, type ReviewRoute } from '../../agents/orchestrate-lead.agent.js';
import type { Qualification } from '../../agents/qualify-lead.agent.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { IntakeOutput } from './intake.step.js';

/**
 * The orchestrator at the pipeline's two forks. The routes it may take are computed by rules
 * (`allowedRoutes`), so a model can choose among them but never route a spam lead to a proposal
 * or skip the review.
 */

export async function decideAfterQualification(
  context: PipelineContext,
  leadId: string,
  qualification: Qualification,
  intake: IntakeOutput | null,
  signal?: AbortSignal,
): Promise<{ route: QualificationRoute; reason: string }> {
  const input: OrchestrateLeadInput = {
    decision: 'after-qualification',
    qualification: { category: qualification.category, qualified: qualification.qualified, fitScore: qualification.fitScore, priority: qualification.priority, nextAction: qualification.nextAction },
    spam: intake?.spam ?? { likely: false, signals: [] },
  };
  const { route, reason } = await chooseRoute(context, leadId, input, signal);
  return { route: route as QualificationRoute, reason };
}

export async function decideAfterReview(
  context: PipelineContext,
  leadId: string,
  review: { score: number; passed: boolean; blockingFindings: number },
  round: number,
  maxRounds: number,
  signal?: AbortSignal,
): Promise<{ route: ReviewRoute; reason: string }> {
  const { route, reason } = await chooseRoute(context, leadId, { decision: 'after-review', review, round, maxRounds }, signal);
  return { route: route as ReviewRoute, reason };
}

async function chooseRoute(context: PipelineContext, leadId: string, input: OrchestrateLeadInput, signal?: AbortSignal) {
  const { model, promptVersion } = await context.models.forAgent(ORCHESTRATE_LEAD_AGENT.agent, leadId);
  const { object } = await orchestrateLead(model, input, context.agency, { leadId, promptVersion, signal });
  return object;
}
