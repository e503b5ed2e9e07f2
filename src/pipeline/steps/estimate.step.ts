import { estimateEffort, ESTIMATE_EFFORT_AGENT } from '../../agents/estimate-effort.agent.js';
import { LeadStatus } from '../../entities/enums.js';
import { SolutionDesign } from '../../entities/solution-design.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { DesignStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';

/** The estimator: work packages in person-days for the chosen design, written onto it. */
export async function estimateStep(context: PipelineContext, payload: DesignStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'estimate', payload.designId);
  const lead = await currentLead(context, payload, [LeadStatus.IN_PROGRESS], key);
  if (!lead) return;
  const design = await context.dataSource.getRepository(SolutionDesign).findOneByOrFail({ id: payload.designId });
  const { model, promptVersion } = await context.models.forAgent(ESTIMATE_EFFORT_AGENT.agent, lead.id);
  const { object: estimate } = await estimateEffort(model, { language: lead.language, componentIds: design.components as string[] }, context.agency, { leadId: lead.id, promptVersion, signal });
  await applyStep(context, { payload, key, step: 'estimate', output: estimate }, async (tx) => {
    await tx.query(`UPDATE solution_designs SET work_packages = $2 WHERE id = $1`, [design.id, JSON.stringify(estimate.workPackages)]);
    await activity(tx, lead.id, 'estimate.created', { designId: design.id, days: estimate.totalDays }, `agent:${ESTIMATE_EFFORT_AGENT.agent}`);
    await context.queue.enqueue('proposal-price', payload, { manager: tx, onceKey: stepKey(payload.generation, 'price', design.id) });
  });
}
