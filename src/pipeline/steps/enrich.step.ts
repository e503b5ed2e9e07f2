import { enrichLead, ENRICH_LEAD_AGENT, type Enrichment } from '../../agents/enrich-lead.agent.js';
import { LeadStatus } from '../../entities/enums.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { LeadStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';

export type EnrichOutput = Enrichment;

/** Enrichment: company, industry, size and country inferred from the address and the text (no lookups outside). */
export async function enrichStep(context: PipelineContext, payload: LeadStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'enrich');
  const lead = await currentLead(context, payload, [LeadStatus.QUALIFYING], key);
  if (!lead) return;
  const { model, promptVersion } = await context.models.forAgent(ENRICH_LEAD_AGENT.agent, lead.id);
  const { object: enrichment } = await enrichLead(model, { name: lead.name, email: lead.email, company: lead.company, website: lead.website, message: lead.message }, context.agency, {
    leadId: lead.id,
    promptVersion,
    signal,
  });
  await applyStep(context, { payload, key, step: 'enrich', output: enrichment }, async (tx) => {
    // What the lead typed wins over what was inferred.
    await tx.query(`UPDATE leads SET company = coalesce(company, $2), updated_at = now(), version = version + 1 WHERE id = $1`, [lead.id, enrichment.company]);
    await activity(
      tx,
      lead.id,
      'lead.enriched',
      { industry: enrichment.industry, size: enrichment.size, employees: enrichment.employees, country: enrichment.country, confidence: enrichment.confidence },
      `agent:${ENRICH_LEAD_AGENT.agent}`,
    );
    await context.queue.enqueue('lead-qualify', payload, { manager: tx, onceKey: stepKey(payload.generation, 'qualify', lead.id) });
  });
}
