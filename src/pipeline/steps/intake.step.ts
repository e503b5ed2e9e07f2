import { intake, INTAKE_AGENT, type Intake } from '../../agents/intake.agent.js';
import { Language, LeadStatus } from '../../entities/enums.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { LeadStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead, moveLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';

export type IntakeOutput = Intake;

/** Below this the language stated at capture (or detected then) stands. */
const LANGUAGE_CONFIDENCE = 0.75;

/**
 * Intake: the lead's fields normalised, its language confirmed, earlier leads of the same address
 * compared, spam signals noted; the lead is QUALIFYING from here.
 */
export async function intakeStep(context: PipelineContext, payload: LeadStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'intake');
  const lead = await currentLead(context, payload, [LeadStatus.NEW, LeadStatus.QUALIFYING], key);
  if (!lead) return;
  const recentLeads = (await context.dataSource.query(
    `SELECT id, email, company, left(message, 400) AS message, created_at AS "createdAt" FROM leads
      WHERE lower(email) = lower($1) AND id <> $2 AND erased_at IS NULL ORDER BY created_at DESC LIMIT 10`,
    [lead.email, lead.id],
  )) as { id: string; email: string; company: string | null; message: string; createdAt: Date }[];
  const languageGiven = await wasLanguageGiven(context, lead.id);

  const { model, promptVersion } = await context.models.forAgent(INTAKE_AGENT.agent, lead.id);
  const { object: result } = await intake(
    model,
    {
      name: lead.name,
      email: lead.email,
      company: lead.company,
      website: lead.website,
      phone: lead.phone,
      message: lead.message,
      budget: lead.budget,
      timeline: lead.timeline,
      language: languageGiven ? lead.language : null,
      recentLeads,
    },
    context.agency,
    { leadId: lead.id, promptVersion, signal },
  );
  const detected = result.language.toLowerCase() as Language;
  const language = !languageGiven && result.languageConfidence >= LANGUAGE_CONFIDENCE ? detected : lead.language;
  const { normalised } = result;
  await applyStep(context, { payload, key, step: 'intake', output: result }, async (tx) => {
    await moveLead(tx, lead.id, [LeadStatus.NEW, LeadStatus.QUALIFYING], LeadStatus.QUALIFYING, {
      name: normalised.name ?? lead.name,
      email: normalised.email ?? lead.email,
      company: normalised.company ?? lead.company,
      website: normalised.website ?? lead.website,
      phone: normalised.phone ?? lead.phone,
      language,
    });
    await activity(
      tx,
      lead.id,
      'lead.intake',
      { language, languageConfidence: result.languageConfidence, duplicateOf: result.duplicateOfLeadId, spamLikely: result.spam.likely, spamSignals: result.spam.signals },
      `agent:${INTAKE_AGENT.agent}`,
    );
    await context.queue.enqueue('lead-enrich', payload, { manager: tx, onceKey: stepKey(payload.generation, 'enrich', lead.id) });
    await context.events.leadChanged(lead.id, tx);
  });
}

/** Whether whoever captured the lead stated its language (then intake does not overrule it). */
async function wasLanguageGiven(context: PipelineContext, leadId: string): Promise<boolean> {
  const rows = (await context.dataSource.query(`SELECT data FROM lead_activities WHERE lead_id = $1 AND type = 'lead.created' LIMIT 1`, [leadId])) as { data: { languageGiven?: boolean } }[];
  return rows[0]?.data.languageGiven === true;
}
