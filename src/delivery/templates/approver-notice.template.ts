import type { AgencyConfig } from '../../agents/agency-config.js';
import { composeEmail, type RenderedEmail } from './layout.js';
import { formatMoney } from './mail-texts.js';

export interface PendingProposalSummary {
  id: string;
  title: string;
  company: string | null;
  total: number;
  currency: string;
  revision: number;
}

/**
 * For the agency's approvers (in English, the team's working language): one proposal, or a
 * digest of several that became pending within the batching window. Links go to the dashboard.
 */
export function renderApproverNotice(proposals: readonly PendingProposalSummary[], publicUrl: string, agency: AgencyConfig): RenderedEmail {
  const link = (id: string) => `${publicUrl}/dashboard/proposals/${id}`;
  const line = (proposal: PendingProposalSummary) =>
    `${proposal.title}${proposal.company ? ` (${proposal.company})` : ''}, revision ${proposal.revision}: ${formatMoney(proposal.total, proposal.currency, 'en')}\nApprove or reject: ${link(proposal.id)}`;
  if (proposals.length === 1) {
    const [only] = proposals as [PendingProposalSummary];
    const body = ['A proposal is waiting for your approval.', line(only), 'Nothing reaches the customer before someone approves it.'].join('\n\n');
    return composeEmail(`Approval needed: ${only.title}`, body, agency, 'en', null);
  }
  const body = [`${proposals.length} proposals are waiting for your approval.`, ...proposals.map(line), `The whole queue: ${publicUrl}/dashboard/proposals`].join('\n\n');
  return composeEmail(`Approval needed: ${proposals.length} proposals`, body, agency, 'en', null);
}
