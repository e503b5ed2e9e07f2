import type { AgencyConfig, AgencyLanguage } from '../../agents/agency-config.js';
import type { FollowUp } from '../../agents/write-follow-up.agent.js';
import { composeEmail, type RenderedEmail } from './layout.js';

/** A follow-up as the follow-up agent wrote it (greeting to signature), with the footer. */
export function renderFollowUpEmail(followUp: Pick<FollowUp, 'subject' | 'body'>, language: AgencyLanguage, agency: AgencyConfig, unsubscribeUrl: string | null): RenderedEmail {
  return composeEmail(followUp.subject, followUp.body, agency, language, unsubscribeUrl);
}
