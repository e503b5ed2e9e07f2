import { firstReplyAction, renderFirstReply, respondToLead, respondToLeadOffline, RESPOND_TO_LEAD_AGENT, type ReplyChoice, type RespondToLeadInput } from '../../agents/respond-to-lead.agent.js';
import type { NEXT_ACTIONS } from '../../agents/qualify-lead.agent.js';
import { agencyLanguage } from '../../agents/agent-support.js';
import { LeadStatus } from '../../entities/enums.js';
import { writeEmail } from '../../delivery/outbox.js';
import { renderFirstReplyEmail } from '../../delivery/templates/first-reply.template.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { LeadStep } from '../pipeline-jobs.js';
import { activity, applyStep, currentLead } from '../step-runner.js';
import { stepKey } from '../step-memo.js';

/** A reply goes out once the lead is qualified or declined, whatever has happened since. */
const ANSWERED: readonly LeadStatus[] = [LeadStatus.IN_PROGRESS, LeadStatus.AWAITING_APPROVAL, LeadStatus.DISQUALIFIED, LeadStatus.FAILED, LeadStatus.SENT, LeadStatus.WON, LeadStatus.LOST];

/**
 * The first reply, seconds after capture: a fixed template in the lead's language, filled only
 * with safe fields (the responder chooses the register and the name to greet). It is written to
 * the outbox once per lead, whatever the retries, with its delivery job in the same transaction;
 * `first_response_at` is when the mail server accepted it (the delivery worker records it), or,
 * without SMTP_URL, when it was written. A model outage never delays
 * it: the responder's own rules choose instead.
 */
export async function respondStep(context: PipelineContext, payload: LeadStep, signal?: AbortSignal): Promise<void> {
  const key = stepKey(payload.generation, 'respond');
  const lead = await currentLead(context, payload, ANSWERED, key);
  if (!lead) return;
  const action = firstReplyAction((lead.nextAction ?? 'discard') as (typeof NEXT_ACTIONS)[number]);
  if (!action) return;
  const input: RespondToLeadInput = { language: lead.language, name: lead.name, nextAction: action, message: lead.message };
  let choice: ReplyChoice;
  let fallback = false;
  try {
    const { model, promptVersion } = await context.models.forAgent(RESPOND_TO_LEAD_AGENT.agent, lead.id);
    choice = (await respondToLead(model, input, context.agency, { leadId: lead.id, promptVersion, signal })).object;
  } catch (error) {
    if (signal?.aborted) throw error;
    context.logger.warn({ err: error, leadId: lead.id }, 'responder failed; the first reply uses its rules');
    choice = respondToLeadOffline(input, context.agency);
    fallback = true;
  }
  const reply = renderFirstReply(choice, input, context.agency);
  const now = context.clock.now();
  await applyStep(context, { payload, key, step: 'respond', output: { choice, fallback } }, async (tx) => {
    const id = await writeEmail(tx, context.mail, context.queue, {
      kind: 'first_reply',
      leadId: lead.id,
      proposalId: null,
      recipient: lead.email,
      language: lead.language,
      idempotencyKey: `first-reply:${lead.id}`,
      availableAt: now,
      unsubscribable: true,
      render: (unsubscribeUrl) => renderFirstReplyEmail(reply, agencyLanguage(lead.language), context.agency, unsubscribeUrl),
      details: { replyKind: choice.kind },
    });
    if (!id) return;
    // With SMTP the delivery worker records when the mail server accepted it; without, writing it is the response.
    if (!context.mail.transport) {
      await tx.query(`UPDATE leads SET first_response_at = coalesce(first_response_at, $2), version = version + 1, updated_at = now() WHERE id = $1`, [lead.id, now]);
    }
    await activity(tx, lead.id, 'reply.queued', { kind: choice.kind, formality: choice.formality, fallback }, `agent:${RESPOND_TO_LEAD_AGENT.agent}`);
    await context.events.leadChanged(lead.id, tx);
  });
}
