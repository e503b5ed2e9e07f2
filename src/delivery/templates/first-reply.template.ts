import type { AgencyConfig, AgencyLanguage } from '../../agents/agency-config.js';
import { composeEmail, type RenderedEmail } from './layout.js';

/**
 * The first reply and the polite decline: the responder has already written the words (fixed
 * texts in the lead's language, see respond-to-lead.agent.ts); this wraps them with the agency's
 * details and the unsubscribe link.
 */
export function renderFirstReplyEmail(reply: { subject: string; text: string }, language: AgencyLanguage, agency: AgencyConfig, unsubscribeUrl: string | null): RenderedEmail {
  return composeEmail(reply.subject, reply.text, agency, language, unsubscribeUrl);
}
