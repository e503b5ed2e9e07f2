import { ProposalOutcome, ProposalStatus } from '../entities/enums.js';
import { assertNever } from './status-machine.js';

const S = ProposalStatus;

/** Every allowed proposal transition, as data: from → the statuses it may move to. */
export const PROPOSAL_TRANSITIONS: Readonly<Record<ProposalStatus, readonly ProposalStatus[]>> = {
  [S.DRAFT]: [S.IN_REVIEW, S.PENDING_APPROVAL, S.SUPERSEDED],
  [S.IN_REVIEW]: [S.DRAFT, S.PENDING_APPROVAL, S.SUPERSEDED],
  [S.PENDING_APPROVAL]: [S.APPROVED, S.REJECTED, S.SUPERSEDED, S.APPROVAL_EXPIRED],
  [S.APPROVED]: [S.SENT],
  // A rejected revision is kept for the record; the next revision (agents or a human edit) supersedes it.
  [S.REJECTED]: [S.SUPERSEDED],
  [S.APPROVAL_EXPIRED]: [S.SUPERSEDED],
  [S.SENT]: [S.ACCEPTED, S.DECLINED, S.EXPIRED],
  [S.SUPERSEDED]: [],
  [S.ACCEPTED]: [],
  [S.DECLINED]: [],
  [S.EXPIRED]: [],
};

/** A human edit makes a new revision from these only: an approved or sent one is history. */
export const EDITABLE_PROPOSAL_STATUSES: readonly ProposalStatus[] = [S.PENDING_APPROVAL, S.REJECTED];

export function canMoveProposal(from: ProposalStatus, to: ProposalStatus): boolean {
  return PROPOSAL_TRANSITIONS[from].includes(to);
}

/** The proposal status an outcome ends in. */
export function statusForOutcome(outcome: ProposalOutcome): ProposalStatus {
  switch (outcome) {
    case ProposalOutcome.ACCEPTED:
      return S.ACCEPTED;
    case ProposalOutcome.DECLINED:
      return S.DECLINED;
    default:
      return assertNever(outcome);
  }
}
