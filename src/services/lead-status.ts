import { LeadStatus, ProposalOutcome } from '../entities/enums.js';
import { assertNever } from './status-machine.js';

const S = LeadStatus;

/** Every allowed lead transition, as data: from → the statuses it may move to. */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  [S.NEW]: [S.QUALIFYING, S.SPAM, S.FAILED],
  [S.QUALIFYING]: [S.DISQUALIFIED, S.SPAM, S.IN_PROGRESS, S.FAILED],
  // Requalifying is a person's call, so these are not dead ends.
  [S.DISQUALIFIED]: [S.QUALIFYING],
  [S.SPAM]: [S.QUALIFYING],
  [S.IN_PROGRESS]: [S.AWAITING_APPROVAL, S.FAILED],
  [S.AWAITING_APPROVAL]: [S.IN_PROGRESS, S.SENT, S.LOST, S.FAILED],
  [S.SENT]: [S.WON, S.LOST],
  [S.FAILED]: [S.QUALIFYING, S.IN_PROGRESS],
  [S.WON]: [],
  [S.LOST]: [],
};

export function canMoveLead(from: LeadStatus, to: LeadStatus): boolean {
  return LEAD_TRANSITIONS[from].includes(to);
}

/** The lead status a proposal's outcome ends in. */
export function leadStatusForOutcome(outcome: ProposalOutcome): LeadStatus {
  switch (outcome) {
    case ProposalOutcome.ACCEPTED:
      return S.WON;
    case ProposalOutcome.DECLINED:
      return S.LOST;
    default:
      return assertNever(outcome);
  }
}
