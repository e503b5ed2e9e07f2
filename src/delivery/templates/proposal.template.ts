import type { AgencyConfig, AgencyLanguage } from '../../agents/agency-config.js';
import { sanitiseFirstName } from '../../agents/write-follow-up.agent.js';
import { composeEmail, type RenderedEmail } from './layout.js';
import { formatDay, formatMoney, MAIL_TEXTS } from './mail-texts.js';

export interface ProposalEmailInput {
  leadName: string | null;
  title: string;
  total: number;
  currency: string;
  validUntil: string | null;
}

/** The e-mail that carries an approved proposal (the PDF is attached at sending). */
export function renderProposalEmail(input: ProposalEmailInput, language: AgencyLanguage, agency: AgencyConfig, unsubscribeUrl: string | null): RenderedEmail {
  const texts = MAIL_TEXTS[language];
  const body = [
    texts.greeting(sanitiseFirstName(input.leadName)),
    texts.proposalBody(input.title, formatMoney(input.total, input.currency, language), input.validUntil ? formatDay(input.validUntil, language) : null),
    texts.proposalClosing,
    agency.signature[language],
  ].join('\n\n');
  return composeEmail(texts.proposalSubject(input.title), body, agency, language, unsubscribeUrl);
}
