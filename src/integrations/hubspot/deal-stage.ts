import { LeadStatus } from '../../entities/enums.js';

/**
 * Lead status → the stage of HubSpot's default sales pipeline. A lead gets a deal once it is
 * qualified as worth a proposal; before that (and when disqualified) only a contact. FAILED is an
 * internal state: the deal keeps the stage it had.
 */
export const DEAL_STAGE_FOR_STATUS: Partial<Record<LeadStatus, string>> = {
  [LeadStatus.IN_PROGRESS]: 'qualifiedtobuy',
  [LeadStatus.AWAITING_APPROVAL]: 'presentationscheduled',
  [LeadStatus.SENT]: 'contractsent',
  [LeadStatus.WON]: 'closedwon',
  [LeadStatus.LOST]: 'closedlost',
};

/** Statuses whose lead is not (yet) a contact worth the CRM: unqualified, or spam. */
export const NOT_IN_CRM: readonly LeadStatus[] = [LeadStatus.NEW, LeadStatus.QUALIFYING, LeadStatus.SPAM];

/** The outcome a deal stage set in HubSpot means, if any. */
export function outcomeForDealStage(stage: string): 'ACCEPTED' | 'DECLINED' | null {
  if (stage === 'closedwon') return 'ACCEPTED';
  if (stage === 'closedlost') return 'DECLINED';
  return null;
}
